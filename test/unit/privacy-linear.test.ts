/**
 * Redaction reads hostile text inside the hook's time limit: 1 MB built to make a careless pattern
 * backtrack (`a.a.a…` then a secret-looking word took 14 s at 128 KB) must pass through, and the
 * secret after it still be masked. The speed target (< 200 ms per MB) lives in `bench/redact.mjs`;
 * here the bound is one only a hang would break, enforced by a VM timeout that interrupts a
 * runaway regular expression instead of waiting for it. Also: values masked by the name of their
 * key at any depth, iteratively (10,000 levels), with every spelling of the names.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MASK, MAX_DEPTH, redact, redactText } from '../../src/runtime/privacy/redact';
import { adversarialShapes } from '../support/adversarial-text';

const HANG_MS = 5000;

/** Runs `fn`, interrupting it (and failing) if it has not returned within `ms`. */
function withinMs<T>(ms: number, fn: () => T): T {
  return vm.runInNewContext('run()', { run: fn }, { timeout: ms }) as T;
}

describe('redaction runs in linear time', () => {
  for (const { name, text } of adversarialShapes(1024 * 1024)) {
    it(`1 MB of ${name}: returns within ${HANG_MS / 1000} s and still masks the secret after it`, () => {
      const out = withinMs(HANG_MS, () => redactText(text));
      expect(out).not.toContain('hunter2hunter2');
      expect(out).not.toContain('sk-ant-api03-AAAA');
      expect(out).toContain(MASK);
    });
  }

  it('a 1 MB string inside a payload, and 10,000 keys that name secrets, within the bound too', () => {
    const [aaa] = adversarialShapes(1024 * 1024);
    const payload = { tool_input: { command: aaa!.text, env: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`K${i}_TOKEN`, `v${i}`])) } };
    const out = withinMs(HANG_MS, () => redact(payload, 'redacted'));
    expect(out.tool_input.command).not.toContain('hunter2hunter2');
    expect(Object.values(out.tool_input.env).every((v) => v === MASK)).toBe(true);
  });
});

describe('redaction by key name', () => {
  const SECRET = 'Zk29fWq81mXvP0aLr7Ty';
  const names = [
    'password', 'Password', 'PASSWORD', 'db_password', 'passwd', 'secret', 'client_secret', 'clientSecret', 'CLIENT-SECRET',
    'token', 'x_auth_token', 'X-Auth-Token', 'accessToken', 'refresh.token', 'api_key', 'apikey', 'API-Key', 'apiKey', 'x-api-key',
    'authorization', 'Authorization', 'proxy-authorization', 'cookie', 'Set-Cookie', 'private_key', 'privateKey', 'PRIVATE KEY',
    'credential', 'credentials', 'aws_credentials', 'GOOGLE_APPLICATION_CREDENTIALS_JSON',
  ];

  it.each(names)('%s: its value is masked at the top, deep in objects and inside arrays', (name) => {
    const input = { [name]: SECRET, a: { b: [{ c: { [name]: SECRET } }] }, list: [[{ [name]: [SECRET, { x: SECRET }] }]] };
    const out = JSON.stringify(redact(input, 'redacted'));
    expect(out).not.toContain(SECRET);
    expect(out).toContain(JSON.stringify(name)); // the name stays: it tells what was there
  });

  it('the cases the issue names: password, api_key, client_secret, Authorization: Basic', () => {
    const out = redact({ password: 'hunter2', api_key: 'k-123456', client_secret: 'cs-98765', Authorization: 'Basic dXNlcjpwYXNz' }, 'redacted');
    expect(out).toEqual({ password: MASK, api_key: MASK, client_secret: MASK, Authorization: MASK });
  });

  it('numbers under a secret name are masked; token counts and ordinary fields are kept', () => {
    const out = redact({ pin_token: 123456, password: 9876, max_tokens: 4000, usage: { input_tokens: 12, output_tokens: 3 }, totalTokens: 15, description: 'deploy', secretary: 'Bob' }, 'redacted');
    expect(out).toMatchObject({ pin_token: MASK, password: MASK, max_tokens: 4000, usage: { input_tokens: 12, output_tokens: 3 }, totalTokens: 15, description: 'deploy' });
  });

  it('a whole subtree under a secret name is masked, its keys kept', () => {
    const out = redact({ credentials: { user: 'svc', key: 'abc', nested: [{ v: 'x1' }], port: 5432, enabled: true } }, 'redacted');
    expect(out).toEqual({ credentials: { user: MASK, key: MASK, nested: [{ v: MASK }], port: MASK, enabled: true } });
  });

  it('metadata mode masks them too, and full mode keeps them', () => {
    expect(JSON.stringify(redact({ tool_input: { password: SECRET } }, 'metadata'))).not.toContain(SECRET);
    expect(redact({ tool_input: { password: SECRET } }, 'full')).toEqual({ tool_input: { password: SECRET } });
  });

  it('nesting 10,000 deep: no stack overflow, the secret masked, the result serialisable', () => {
    let deep: unknown = { password: SECRET };
    for (let i = 0; i < 10_000; i++) deep = { layer: deep, api_key: SECRET };
    for (const mode of ['redacted', 'metadata', 'full'] as const) {
      const out = redact(deep, mode);
      const text = JSON.stringify(out); // recursive in V8: overflows near 5,000 levels unless depth is bounded
      if (mode !== 'full') expect(text).not.toContain(SECRET);
      expect(text).toContain(`nested deeper than ${MAX_DEPTH} levels`);
    }
    let shallow: unknown = { password: SECRET };
    for (let i = 0; i < MAX_DEPTH - 2; i++) shallow = [shallow];
    expect(JSON.stringify(redact(shallow, 'redacted'))).toContain(`{"password":"${MASK}"}`);
  });

  it('a "__proto__" key stays an own key and never becomes the prototype', () => {
    const out = redact(JSON.parse('{"__proto__": {"password": "x1234567"}, "a": 1}'), 'redacted') as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe(`{"__proto__":{"password":"${MASK}"},"a":1}`);
  });
});

describe('redaction of text', () => {
  it('URL passwords, also with "/" and JSON-escaped slashes; ports and paths are not passwords', () => {
    expect(redactText('psql postgres://admin:pa/ss/w0rd@db.internal:5432/prod')).toBe(`psql postgres://admin:${MASK}@db.internal:5432/prod`);
    expect(redactText('{"url": "redis:\\/\\/u:p4ss\\/x@cache:6379"}')).toBe(`{"url": "redis:\\/\\/u:${MASK}@cache:6379"}`);
    for (const plain of ['see https://example.com/a@b', 'https://host:8080/path/a@b', 'mailto:x@y.z and https://a.b/c:d@e']) expect(redactText(plain)).toBe(plain);
  });

  it('JSON-escaped secrets inside malformed payload text', () => {
    const cut = '{"tool_input": {"command": "curl -d \'{\\"password\\": \\"hunter2\\", \\"api_key\\": \\"k-1\\"}\'", "env": {"clientSecret": "cs 42"';
    const out = redactText(cut);
    for (const s of ['hunter2', 'k-1', 'cs 42']) expect(out).not.toContain(s);
    expect(out).toContain('\\"password\\": \\"[REDACTED]\\"');
    // doubly escaped, as in a payload quoted inside another
    expect(redactText('\\\\\\"token\\\\\\": \\\\\\"abc\\\\\\"')).not.toContain('abc');
  });

  it('names in any spelling, Authorization schemes, cookies, and prose left alone', () => {
    expect(redactText('Authorization: Basic dXNlcjpwYXNz')).toBe(`Authorization: Basic ${MASK}`);
    expect(redactText('{"Authorization": "Bearer abc.def"}')).toBe(`{"Authorization": "Bearer ${MASK}"}`);
    expect(redactText('Cookie: sid=abc123; theme=dark\nnext')).toBe(`Cookie: ${MASK}\nnext`);
    expect(redactText('clientSecret=xyz123 x_auth_token: "t0k" API-Key: abcd1234')).toBe(`clientSecret=${MASK} x_auth_token: "${MASK}" API-Key: ${MASK}`);
    expect(redactText(`{"password": ""}`)).toBe(`{"password": ""}`);
    for (const plain of ['max_tokens=4000', 'tokens: 1234', 'the secret of life', 'secretary: Bob', 'sk-short', 'password reset link sent']) expect(redactText(plain)).toBe(plain);
  });
});
