/**
 * Secrets in structured inputs: a value under a key that names a secret (`password`, `api_key`,
 * `client_secret`, `Authorization`, `X-Auth-Token`, …, at any depth), a URL password holding `/`,
 * and the same inside malformed (unparseable) payload text where quotes are JSON-escaped. Real hook
 * payloads go through the real built hook (`dist/hook.cjs`), once to the ledger and once through
 * the spool (ledger unavailable, then replayed), and the raw bytes of every file agent-warden
 * writes are searched: ledger.db, ledger.db-wal (kept by a reader held open), spool files (home
 * and fallback) and warden.log. The secrets are random words with no known shape, so only their
 * names can give them away; the `full` run proves the search finds them when they are there.
 */
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fallbackSpoolDir } from '../../src/ledger/spool';
import { hookPayload, makeWardenDirs, prng, runHook, type WardenDirs } from '../support/hook-runner';

const r = prng(15);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const word = (n = 20) => Array.from({ length: n }, () => ALNUM[r.int(ALNUM.length)]).join('');

const secrets = {
  password: word(),
  apiKey: word(),
  clientSecret: word(),
  basicAuth: Buffer.from(`deploy:${word(12)}`).toString('base64'),
  authToken: word(),
  urlPassword: `${word(8)}/${word(8)}`,
  cookie: word(),
  privateKey: word(32),
  credential: word(),
  passwd: word(),
  deepApiKey: word(),
  numericPin: String(100_000_000 + r.int(899_999_999)),
  promptPassword: word(),
  dispatchKey: word(),
  resultSecret: word(),
  errorToken: word(),
  lastMessagePasswd: word(),
  malformedToken: word(),
  malformedPassword: word(),
  malformedUrl: `${word(8)}/${word(6)}`,
};

/** `n` levels of `{ "layer": … }` with `leaf` at the bottom. */
const nested = (n: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < n; i++) v = { layer: v };
  return v;
};

function payloads(dirs: WardenDirs, session: string): Array<string> {
  const s = { session, cwd: dirs.project };
  const structured = {
    command: 'deploy --env prod',
    env: { password: secrets.password, api_key: secrets.apiKey, client_secret: secrets.clientSecret, PIN_TOKEN: Number(secrets.numericPin) },
    headers: [{ Authorization: `Basic ${secrets.basicAuth}` }, { 'X-Auth-Token': secrets.authToken }, { Cookie: `sid=${secrets.cookie}` }],
    database_url: `postgres://admin:${secrets.urlPassword}@db.internal:5432/app`,
    service: { credentials: { private_key: secrets.privateKey, user: 'svc' }, credential: secrets.credential, passwd: secrets.passwd },
    deep: nested(60, { 'API-Key': secrets.deepApiKey }),
  };
  const inputs = [
    hookPayload('SessionStart', s),
    hookPayload('UserPromptSubmit', s, { prompt: `Use this config: {"password": "${secrets.promptPassword}", "region": "eu"}` }),
    hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_bash' }, { tool_name: 'Bash', tool_input: structured }),
    hookPayload('PostToolUse', { ...s, toolUseId: 'toolu_bash' }, { tool_name: 'Bash', tool_input: structured, tool_response: { stdout: 'ok', result: { clientSecret: secrets.resultSecret } } }),
    hookPayload('PostToolUseFailure', { ...s, toolUseId: 'toolu_fail' }, { tool_input: { command: 'login', x_auth_token: secrets.errorToken }, error: `login failed with "token": "${secrets.errorToken}"` }),
    // An Agent dispatch to an extended agent: the proxy rewrites it, and the decision stores the rewritten input.
    hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_agent' }, {
      tool_name: 'Agent',
      tool_input: { description: 'tune', subagent_type: 'db-tuner', prompt: `Connect with {"apiKey": "${secrets.dispatchKey}"} and tune.`, settings: { apikey: secrets.dispatchKey } },
    }),
    hookPayload('SubagentStop', { ...s, agentId: 'ag1' }, { last_assistant_message: `Done; "passwd": "${secrets.lastMessagePasswd}"` }),
  ].map((p) => JSON.stringify(p));
  // Malformed: a payload cut short, so it is stored as text; inside it quotes are JSON-escaped.
  const cut = JSON.stringify(
    hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_cut' }, {
      tool_input: { command: `curl -d '{"token": "${secrets.malformedToken}", "password": "${secrets.malformedPassword}"}' postgres://u:${secrets.malformedUrl}@h/x` },
    }),
  );
  inputs.push(cut.slice(0, cut.lastIndexOf('@h/x') + 4));
  inputs.push(JSON.stringify(hookPayload('Stop', s)));
  return inputs;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function leaks(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const [name, secret] of Object.entries(secrets)) if (bytes.includes(Buffer.from(secret))) found.push(`${name} in ${path.basename(file)}`);
  }
  return found;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function run(mode: 'redacted' | 'full', viaSpool: boolean) {
  const dirs = makeWardenDirs(`priv-struct-${mode}`);
  cleanups.push(dirs.cleanup);
  cleanups.push(() => fs.rmSync(path.dirname(fallbackSpoolDir(dirs.home)), { recursive: true, force: true }));
  fs.mkdirSync(dirs.home, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dirs.home, 'config.json'), JSON.stringify({ privacy: mode }));
  const agents = path.join(dirs.project, '.claude', 'agents-extended');
  fs.mkdirSync(agents, { recursive: true });
  fs.writeFileSync(path.join(agents, 'db-tuner.md'), '---\nname: db-tuner\ndescription: Tunes databases.\n---\nYou tune databases.\n');
  const ledger = path.join(dirs.home, 'ledger.db');
  const inputs = payloads(dirs, `struct-${mode}-${viaSpool ? 'spool' : 'ledger'}`);
  let reader: SqliteDb | undefined;
  if (viaSpool) fs.mkdirSync(ledger); // a directory where the database should be: every event spools
  const outputs: string[] = [];
  let spooled: string[] = [];
  inputs.forEach((input, i) => {
    if (viaSpool && i === inputs.length - 1) {
      // Before the last hook finds the ledger back and replays them, the spool holds every event.
      spooled = [...filesUnder(path.join(dirs.home, 'spool')), ...filesUnder(fallbackSpoolDir(dirs.home))];
      expect(spooled.length).toBe(inputs.length - 1);
      spooled = spooled.flatMap((f) => leaks([f]));
      fs.rmdirSync(ledger);
    }
    const res = runHook(input, dirs.env);
    expect(res.status, res.stderr).toBe(0);
    outputs.push(res.stdout);
    // Held open, so the hook's close is never the last one and the WAL file stays to be searched.
    if (!reader && fs.existsSync(ledger) && fs.statSync(ledger).isFile()) reader = openDatabase(ledger, { readonly: true });
  });
  if (viaSpool) expect(filesUnder(path.join(dirs.home, 'spool'))).toEqual([]); // all replayed
  reader ??= openDatabase(ledger, { readonly: true });
  const kinds = reader.prepare('SELECT kind, count(*) AS n FROM events GROUP BY kind').all() as Array<{ kind: string; n: number }>;
  const decision = reader.prepare(`SELECT payload FROM events WHERE kind = 'decision' AND tool_use_id = 'toolu_agent'`).get() as { payload: string } | undefined;
  const dispatch = reader.prepare(`SELECT prompt FROM dispatches WHERE tool_use_id = 'toolu_agent'`).get() as { prompt: string } | undefined;
  const files = [...filesUnder(dirs.home), ...filesUnder(fallbackSpoolDir(dirs.home))];
  const result = { files, spoolLeaks: spooled, kinds: Object.fromEntries(kinds.map((k) => [k.kind, k.n])), decision, dispatch, outputs, wal: fs.existsSync(`${ledger}-wal`) };
  reader.close();
  return result;
}

describe('secrets in structured inputs never reach disk under `redacted`', () => {
  for (const viaSpool of [false, true]) {
    const how = viaSpool ? 'through the spool (ledger unavailable), then replayed' : 'straight to the ledger';
    it(`real hook payloads through dist/hook.cjs, ${how}: 0 secrets in ledger.db, its WAL, spool files and warden.log`, () => {
      const out = run('redacted', viaSpool);
      expect(out.wal, 'the WAL file was searched').toBe(true);
      expect(out.files.some((f) => f.endsWith('warden.log')), 'warden.log was searched').toBe(true);
      expect(leaks(out.files)).toEqual([]);
      expect(out.spoolLeaks).toEqual([]);
      // Every event arrived: nothing was dropped to keep a secret out.
      expect(out.kinds).toMatchObject({ SessionStart: 1, UserPromptSubmit: 1, PreToolUse: 2, PostToolUse: 1, PostToolUseFailure: 1, SubagentStop: 1, malformed: 1, Stop: 1 });
      expect(out.dispatch?.prompt).toContain('Connect with {"apiKey": "[REDACTED]"} and tune.');
      if (!viaSpool) {
        // The decision (proxy rewrite) is stored redacted; Claude Code itself still gets the real input.
        expect(out.decision?.payload).toContain('"apikey":"[REDACTED]"');
        expect(out.outputs.join('\n')).toContain(secrets.dispatchKey);
      }
    });
  }

  it('under `full` the same search finds them, so it would see a leak', () => {
    const out = run('full', false);
    // (Malformed text is redacted even under `full`: it is not a payload anyone chose to keep.)
    expect(leaks(out.files).length).toBeGreaterThan(10);
  });
});
