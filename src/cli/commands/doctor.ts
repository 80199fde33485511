import type { Command } from 'commander';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatNotice, formatProblem, loadConfig } from '../../runtime/config/load';
import { openLedger, schemaVersion, type Ledger } from '../../ledger/db';
import { replaySpool } from '../../core/spool-replay';
import { latestVersion } from '../../ledger/migrations';
import { driverReport } from '../../ledger/driver';
import { findAddon } from '../../runtime/native';
import { isCorruption, moveAsideOpened, movedAsideFiles, quickCheck } from '../../ledger/corrupt';
import { quarantinedFiles, spooledFiles } from '../../ledger/spool';
import { bootstrapRunning, installNative } from '../../runtime/bootstrap';
import { ledgerPath, logPath, projectOf, wardenHome } from '../../runtime/paths';
import { pc, printJson } from '../output';
import { readTeamState } from '../../core/budget/team-figure';
import { pendingCount } from '../../team/outbox';
import { redactUrl } from '../../team/pg-client';
import { jsonOption } from '../flags';
import type { Config } from '../../runtime/config/schema';
import { exportStatus, type ExportStatus } from '../../telemetry/export-state';
import { exportTarget } from '../../telemetry/export';
import { withLedger } from '../ledger-access';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check Node, the SQLite driver, the ledger, the spool, config and hook wiring')
    .option('--install', 'install the native SQLite module (better-sqlite3) now if this Node needs it and it is missing')
    .option('--fix', 'if quick_check finds the ledger damaged, move it aside (kept, never deleted), start a new one and replay the spool')
    .addOption(jsonOption())
    .action((opts) => {
      if (opts.install) {
        const { driver, detail } = driverReport();
        // node:sqlite needs nothing installed; the native module only serves Nodes without it.
        const res = driver === 'node:sqlite' ? { message: `nothing to install: the ledger uses node:sqlite (${detail})` } : installNative();
        process.stderr.write(`${res.message}\n`);
      }
      if (opts.fix) process.stderr.write(`${fixDamagedLedger()}\n`);
      const checks = runChecks();
      if (opts.json) printJson({ ok: checks.every((c) => c.ok), checks });
      else {
        for (const c of checks) {
          process.stdout.write(`${c.ok ? pc.green('ok  ') : pc.red('FAIL')} ${c.name}: ${c.detail}\n`);
          if (!c.ok && c.fix) process.stdout.write(`     fix: ${c.fix}\n`);
        }
      }
      process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
    });
}

export function runChecks(): Check[] {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'node', ok: major >= 20, detail: `v${process.versions.node}`, fix: 'install Node.js 20 or newer' });

  // Which SQLite driver this Node runs (driver.ts): node:sqlite needs nothing; better-sqlite3 needs its addon.
  const sqlite = driverReport();
  const addon = sqlite.driver === 'better-sqlite3' ? findAddon() : undefined;
  const ready = sqlite.driver === 'node:sqlite' || Boolean(addon);
  checks.push({
    name: 'sqlite driver',
    ok: ready,
    detail: `${sqlite.driver} (${sqlite.detail}${sqlite.sqliteVersion ? `; SQLite ${sqlite.sqliteVersion}` : ''})${!ready && bootstrapRunning() ? ': being installed in the background' : ''}`,
    fix: 'run `agent-warden doctor --install` (needs npm and a C++ toolchain if no prebuilt binary fits), or run Claude Code with Node 22.13 or newer',
  });

  const file = ledgerPath();
  if (ready) {
    try {
      const db = openLedger();
      // quick_check first: damaged pages make the counts below throw SQLITE_CORRUPT.
      const quick = quickCheck(db);
      if (quick !== 'ok') {
        db.close();
        checks.push({ name: 'ledger', ok: false, detail: `${file} is damaged (quick_check: ${quick})`, fix: DAMAGED_FIX });
      } else {
        const version = schemaVersion(db);
        const events = (db.prepare('SELECT count(*) AS n, max(received_at) AS last FROM events').get() as { n: number; last: number | null });
        const hooks = db.prepare(`SELECT kind, count(*) AS n FROM events WHERE kind IN ('SessionStart','PreToolUse','PostToolUseFailure','SubagentStop') GROUP BY kind`).all() as { kind: string; n: number }[];
        db.close();
        checks.push({ name: 'ledger', ok: true, detail: `${file} (schema ${version}/${latestVersion}, ${events.n} events, integrity ok)` });
        checks.push({
          name: 'hooks wired',
          ok: events.n > 0,
          detail: events.n > 0 ? `last event ${new Date(events.last!).toISOString()}; ${hooks.map((h) => `${h.kind} ${h.n}`).join(', ')}` : 'no event recorded yet',
          fix: 'load the plugin (`claude --plugin-dir <repo>` or `claude plugin install agent-warden@agent-warden`) and run a session',
        });
      }
    } catch (err) {
      if (isCorruption(err)) checks.push({ name: 'ledger', ok: false, detail: `${file} is damaged (${(err as Error).message})`, fix: DAMAGED_FIX });
      else checks.push({ name: 'ledger', ok: false, detail: `${file}: ${(err as Error).message}`, fix: 'check the directory permissions and free disk space' });
    }
  }
  checks.push(modeCheck('ledger file mode', file, 0o600));
  checks.push(modeCheck('home directory mode', wardenHome(), 0o700));
  try {
    accessSync(wardenHome(), constants.W_OK);
  } catch {
    checks.push({ name: 'home writable', ok: false, detail: `${wardenHome()} is not writable`, fix: 'fix its permissions or set AGENT_WARDEN_HOME' });
  }

  const spooled = spooledFiles();
  checks.push({
    name: 'spool',
    ok: spooled.length === 0,
    detail: spooled.length ? `${spooled.length} events waiting to be replayed` : 'empty',
    fix: 'run `agent-warden ledger ingest` once the ledger opens',
  });

  const { config, problems, notices, files, variables } = loadConfig(projectOf(undefined));
  const sources = [...files, ...variables.map((v) => `$${v}`)];
  checks.push({
    name: 'config',
    ok: problems.length === 0,
    detail: problems.length ? `${problems.length} invalid setting(s) ignored, every other one applies:\n       ${problems.map(formatProblem).join('\n       ')}` : sources.length ? sources.join(', ') : 'defaults (no config file)',
    fix: problems.length ? `edit the file(s)${problems.some((p) => p.file.startsWith('environment variable ')) ? ' or environment variable(s)' : ''} named above as each fix says` : undefined,
  });
  const team = teamCheck(loadConfig(projectOf(undefined)).config.team, ready);
  if (team) checks.push(team);
  checks.push(telemetryCheck(config));
  if (notices.length) checks.push({ name: 'project config', ok: true, detail: `${notices.length} setting(s) ignored because they would loosen your guard:\n       ${notices.map(formatNotice).join('\n       ')}` });

  const moved = movedAsideFiles(file);
  checks.push({
    name: 'damaged ledgers',
    ok: moved.length === 0,
    detail: moved.length ? `${moved.length} unreadable ledger(s) moved aside and replaced: ${moved.join(', ')}` : 'none',
    fix: 'try `sqlite3 <file> .recover | sqlite3 recovered.db` to save old events, then delete the file',
  });
  const bad = quarantinedFiles();
  if (bad.length) checks.push({ name: 'unreadable spool files', ok: false, detail: `${bad.length} set aside: ${bad.slice(0, 3).join(', ')}`, fix: 'inspect and delete them; they could not be replayed' });

  const recent = recentLog(5);
  checks.push({ name: 'recent trouble', ok: true, detail: recent.length ? recent.join(' | ') : 'none logged' });

  const hooksFile = join(__dirname, '..', 'hooks', 'hooks.json');
  if (existsSync(hooksFile)) checks.push({ name: 'plugin hooks file', ok: true, detail: hooksFile });
  return checks;
}

/** Team budgets: the last sync with the team's PostgreSQL as recorded in the ledger (doctor itself never waits on the network). */
function teamCheck(team: { name: string; url: string } | undefined, ready: boolean): Check | undefined {
  if (!team || !ready) return undefined;
  try {
    const db = openLedger({ readonly: true });
    try {
      const okAt = Number(readTeamState(db, 'last_ok_at') ?? 0);
      const error = readTeamState(db, 'last_error');
      const errorAt = Number(readTeamState(db, 'last_error_at') ?? 0);
      let waiting = 0;
      try {
        waiting = pendingCount(db);
      } catch {
        waiting = 0; // a ledger older than the outbox
      }
      const rows = `${waiting} usage row(s) waiting to be pushed`;
      const where = `team "${team.name}" at ${redactUrl(team.url)}`;
      if (error && errorAt >= okAt) {
        return {
          name: 'team',
          ok: false,
          detail: `${where}: the last sync failed ${new Date(errorAt).toISOString()} (${error}); team budgets count this machine's spend meanwhile; ${rows}, kept and pushed once it answers`,
          fix: 'check that the team\'s PostgreSQL runs and that team.url is right, then run `agent-warden team sync`',
        };
      }
      return { name: 'team', ok: true, detail: `${where}: ${okAt ? `last sync ${new Date(okAt).toISOString()}` : 'not synced yet (the resident server syncs during sessions; `agent-warden team sync` now)'}; ${rows}` };
    } finally {
      db.close();
    }
  } catch {
    return undefined; // the ledger check above reports an unreadable ledger
  }
}

const DAMAGED_FIX = 'run `agent-warden doctor --fix`: it moves the damaged file aside (kept for `sqlite3 <file> .recover`), starts a new ledger and replays the spool';

/** `doctor --fix`: moves a ledger that fails quick_check aside, starts a new one, replays the spool. */
function fixDamagedLedger(): string {
  let db: Ledger | undefined;
  try {
    db = openLedger();
    const quick = quickCheck(db);
    if (quick === 'ok') return `the ledger ${ledgerPath()} is sound (quick_check ok); nothing to fix`;
    const moved = moveAsideOpened(db);
    db = openLedger();
    const replayed = replaySpool(db, loadConfig(process.cwd()).config, Number.MAX_SAFE_INTEGER);
    return `the ledger failed quick_check (${quick}); ${moved ? `moved it to ${moved}` : 'another process already moved it aside'}, started a new ledger at ${ledgerPath()}, replayed ${replayed} spooled event(s)`;
  } catch (err) {
    return `could not fix the ledger: ${(err as Error).message}`;
  } finally {
    if (db?.open) db.close();
  }
}

/** OpenTelemetry export: where it goes and whether it is getting there (an export failing is never fatal for sessions, but it is for the spans). */
function telemetryCheck(config: Config): Check {
  const target = exportTarget(config);
  if (!target) return { name: 'telemetry', ok: true, detail: 'OpenTelemetry export off (no telemetry.otlp in your config)' };
  let status: ExportStatus;
  try {
    status = withLedger((db) => exportStatus(db, Date.now()), { catchUp: false });
  } catch (err) {
    return { name: 'telemetry', ok: true, detail: `OTLP to ${target.shown}; export state unreadable (${(err as Error).message})` };
  }
  const failing = Boolean(status.last_error) && status.waiting_spans > 0;
  return {
    name: 'telemetry',
    ok: !failing,
    detail: `OTLP to ${target.shown}: ${status.exported_spans} span(s) sent, ${status.waiting_spans} waiting${status.last_error ? `; last export failed at ${status.last_error_at}: ${status.last_error}` : status.last_success_at ? `; last export ${status.last_success_at}` : ''}`,
    fix: 'check that the collector is up and telemetry.otlp.endpoint is right, then run `agent-warden otel export` (it sends what waits, once)',
  };
}

function modeCheck(name: string, path: string, want: number): Check {
  try {
    const mode = statSync(path).mode & 0o777;
    return { name, ok: (mode & ~want) === 0, detail: `${path} ${mode.toString(8)}`, fix: `chmod ${want.toString(8)} ${path}` };
  } catch {
    return { name, ok: true, detail: `${path} not created yet` };
  }
}

function recentLog(n: number): string[] {
  try {
    return readFileSync(logPath(), 'utf8').trim().split('\n').slice(-n);
  } catch {
    return [];
  }
}
