/**
 * Prompts, results and errors hold secrets. Under `redacted` (the default) and `metadata` no
 * secret may reach disk: the raw bytes of every file agent-warden writes (ledger, WAL, spool,
 * log) are searched for each one. Under `full` they are kept, which proves the search finds them.
 * The secrets are built at run time so no real-looking credential sits in the repository.
 */
import { openDatabase } from '../../src/ledger/driver';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestHookInput } from '../../src/hooks/ingest';
import { spooledFiles } from '../../src/ledger/spool';
import { redactText } from '../../src/runtime/privacy/redact';
import { hookPayload, makeWardenDirs, prng, type WardenDirs } from '../support/hook-runner';

const r = prng(7);
const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[r.int(alphabet.length)]).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const secrets = {
  anthropic: ['sk', 'ant', 'api03', chars(ALNUM, 48)].join('-'),
  openai: ['sk', 'proj', chars(ALNUM, 40)].join('-'),
  awsKeyId: ['AK', 'IA', chars(UPPER, 16)].join(''),
  awsSecret: chars(ALNUM + '/+', 40),
  github: ['gh', 'p_', chars(ALNUM, 36)].join(''),
  slack: ['xo', 'xb-', chars('0123456789', 12), '-', chars(ALNUM, 24)].join(''),
  stripe: ['sk', '_live_', chars(ALNUM, 24)].join(''),
  jwt: ['ey', 'J', chars(ALNUM, 20), '.ey', 'J', chars(ALNUM, 30), '.', chars(ALNUM, 32)].join(''),
  urlPassword: chars(ALNUM, 18),
  dbPassword: chars(ALNUM, 14),
  pemBody: chars(ALNUM + '+/', 64),
};
const pem = ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' ') + `\n${secrets.pemBody}\n${chars(ALNUM, 64)}\n` + ['-----END', 'RSA PRIVATE KEY-----'].join(' ');
const leakyText = [
  `export ANTHROPIC_API_KEY=${secrets.anthropic}`,
  `OPENAI_API_KEY="${secrets.openai}"`,
  `aws configure set aws_access_key_id ${secrets.awsKeyId}`,
  `AWS_SECRET_ACCESS_KEY=${secrets.awsSecret}`,
  `git clone https://x:${secrets.github}@github.com/acme/app`,
  `curl -H "Authorization: Bearer ${secrets.jwt}" https://api.acme.test`,
  `SLACK_TOKEN ${secrets.slack} and stripe ${secrets.stripe}`,
  `psql postgres://admin:${secrets.urlPassword}@db.internal:5432/prod`,
  `{"db_password": "${secrets.dbPassword}"}`,
  pem,
].join('\n');

/** Every file under the home and the spools, as raw bytes. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
function leaksIn(files: string[]): string[] {
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

/** One session of events carrying the secrets everywhere text goes: prompt, dispatch, result, error, summary, stop message, junk. */
function session(dirs: WardenDirs, mode: string, viaSpool: boolean) {
  fs.mkdirSync(dirs.home, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dirs.home, 'config.json'), JSON.stringify({ privacy: mode }));
  Object.assign(process.env, { AGENT_WARDEN_HOME: dirs.home, CLAUDE_PROJECT_DIR: dirs.project });
  // A directory where the database file should be: the ledger cannot open, so everything spools.
  if (viaSpool) fs.mkdirSync(path.join(dirs.home, 'ledger.db'));
  const s = { session: `priv-${mode}`, cwd: dirs.project };
  const inputs = [
    hookPayload('UserPromptSubmit', s, { prompt: leakyText }),
    hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_agent' }, { tool_name: 'Agent', tool_input: { description: 'deploy', prompt: leakyText, subagent_type: 'general-purpose' } }),
    hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_bash', agentId: 'ag1' }, { tool_input: { command: `curl -u admin:${secrets.urlPassword} https://x.test -H "X-Api-Key: ${secrets.stripe}"` } }),
    hookPayload('PostToolUseFailure', { ...s, toolUseId: 'toolu_bash', agentId: 'ag1' }, { tool_input: { command: `echo ${secrets.anthropic}` }, error: `401 for key ${secrets.anthropic}\n${pem}` }),
    hookPayload('SubagentStop', { ...s, agentId: 'ag1' }, { last_assistant_message: `Done. Used ${secrets.github}` }),
    hookPayload('PostToolUse', { ...s, toolUseId: 'toolu_agent' }, { tool_name: 'Agent', tool_input: { prompt: leakyText }, tool_response: { status: 'completed', agentId: 'ag1', content: [{ type: 'text', text: `Final: ${leakyText}` }], totalTokens: 10 } }),
    hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_keyed' }, { tool_input: { env: { [secrets.github]: 'x' }, command: 'env' } }),
  ].map((p) => JSON.stringify(p));
  inputs.push(`{"broken": "${secrets.anthropic}`); // malformed input is stored too
  inputs.push(`${secrets.openai}, not json`);
  inputs.forEach((text, i) => ingestHookInput(text, { now: 1_700_000_000_000 + i }));
  if (viaSpool) {
    expect(spooledFiles().length).toBe(inputs.length);
    fs.rmdirSync(path.join(dirs.home, 'ledger.db'));
    ingestHookInput(JSON.stringify(hookPayload('Stop', s)), { now: 1_700_000_001_000 }); // replays the spool
    expect(spooledFiles()).toEqual([]);
  }
  const db = openDatabase(path.join(dirs.home, 'ledger.db'), { readonly: true });
  const dispatch = db.prepare('SELECT prompt, final_message FROM dispatches WHERE tool_use_id = ?').get('toolu_agent') as any;
  const bash = db.prepare('SELECT summary, error FROM tool_calls WHERE tool_use_id = ?').get('toolu_bash') as any;
  const run = db.prepare('SELECT last_message FROM agent_runs WHERE agent_id = ?').get('ag1') as any;
  const events = db.prepare('SELECT count(*) AS n FROM events').get() as any;
  db.close();
  return { dispatch, bash, run, events: events.n, files: [...filesUnder(dirs.home), ...spooledFiles()] };
}

describe('privacy', () => {
  for (const viaSpool of [false, true]) {
    const how = viaSpool ? 'through the spool' : 'straight to the ledger';
    it(`redacted (the default) masks every secret, ${how}; the text around them stays`, () => {
      const dirs = makeWardenDirs('priv-red');
      cleanups.push(dirs.cleanup);
      const out = session(dirs, 'redacted', viaSpool);
      expect(leaksIn(out.files)).toEqual([]);
      expect(out.dispatch.prompt).toContain('[REDACTED]');
      expect(out.dispatch.prompt).toContain('aws configure set');
      expect(out.dispatch.final_message).toContain('Final:');
      expect(out.dispatch.final_message).toContain('[REDACTED]');
      expect(out.bash.summary).toContain('Bash: curl');
      expect(out.bash.error).toContain('401 for key [REDACTED]');
      expect(out.run.last_message).toBe('Done. Used [REDACTED]');
      // JSON.parse quotes the start of bad input in its message; that piece must not reach the log.
      const log = fs.readFileSync(path.join(dirs.home, 'warden.log'), 'utf8');
      if (!viaSpool) expect(log).toContain('ignored bad hook input');
      expect(log).not.toContain(secrets.openai.slice(0, 9));
    });

    it(`metadata keeps no text at all, ${how}`, () => {
      const dirs = makeWardenDirs('priv-meta');
      cleanups.push(dirs.cleanup);
      const out = session(dirs, 'metadata', viaSpool);
      expect(leaksIn(out.files)).toEqual([]);
      expect(out.dispatch.prompt).toMatch(/^\[\d+ chars\]$/);
      expect(String(out.dispatch.final_message)).not.toContain('Final');
      expect(out.bash.summary).toBe('Bash');
      expect(out.bash.error).toMatch(/^\[\d+ chars\]$/);
      const ledgerText = fs.readFileSync(path.join(dirs.home, 'ledger.db')).toString('latin1');
      expect(ledgerText).not.toContain('aws configure set');
    });
  }

  it('full keeps the text as given, so the search above can find a secret when one is there', () => {
    const dirs = makeWardenDirs('priv-full');
    cleanups.push(dirs.cleanup);
    const out = session(dirs, 'full', false);
    expect(leaksIn(out.files).length).toBeGreaterThan(5);
    expect(out.dispatch.prompt).toBe(leakyText);
  });

  it('redactText masks each known shape and leaves ordinary text alone', () => {
    for (const [name, secret] of Object.entries(secrets)) expect(redactText(leakyText), name).not.toContain(secret);
    for (const plain of ['max_tokens=4000', 'tokens: 1234', 'the secret of life', 'secretary: Bob', 'see https://example.com/a@b', 'sk-short']) expect(redactText(plain)).toBe(plain);
    expect(redactText(`mysql --password ${secrets.dbPassword} -u root`)).toBe('mysql --password [REDACTED] -u root');
  });
});
