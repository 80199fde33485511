/**
 * Text built to make a careless pattern backtrack: long runs that almost match, each followed by a
 * secret-looking word so the pattern has a reason to keep trying. Shared by the redaction test
 * (anti-hang bound) and `bench/redact.mjs` (the speed target).
 */
export interface Shape {
  name: string;
  text: string;
}

const SECRET = ' password=hunter2hunter2 api_key: "k3y" sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA';

/** `unit` repeated up to `bytes`, then the secret-looking tail. */
const run = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes) + SECRET;

function base64ish(bytes: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
  let seed = 12345;
  let out = '';
  for (let i = 0; i < bytes; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out += alphabet[seed % alphabet.length];
  }
  return out + SECRET;
}

export function adversarialShapes(bytes = 1024 * 1024): Shape[] {
  const units: Array<[string, string]> = [
    ['a.a.a…', 'a.'],
    ['word chars', 'a'],
    ['word_chars_', 'a_'],
    ['= chain', '='],
    [': chain', ':'],
    ['=: chain', '=:'],
    ['a= chain', 'a='],
    ['key: chain', 'key: '],
    ['password repeated', 'password'],
    ['password_ repeated', 'password_'],
    ['token_ repeated', 'token_'],
    ['password: repeated', 'password: '],
    ['secret quotes', 'secret"'],
    ['Bearer repeated', 'Bearer '],
    ['Authorization: repeated', 'Authorization: '],
    ['Authorization: Basic repeated', 'Authorization: Basic '],
    ['nested quotes', `"'`],
    ['escaped quotes', '\\"'],
    ['backslashes', '\\'],
    ['whitespace', ' '],
    ['newlines', '\n'],
    [':// repeated', '://'],
    ['a://b: repeated', 'a://b:'],
    ['scheme run', 'a+.-'],
    ['url userinfo', 'x://u:p'],
    ['-u repeated', ' -u '],
    ['-u = chain', ' -u ='],
    ['--password repeated', '--password '],
    ['sk- repeated', 'sk-'],
    ['sk-ant- repeated', 'sk-ant-'],
    ['eyJ- repeated', 'eyJ-'],
    ['eyJ. repeated', 'eyJaaaaaaaaa.'],
    ['xoxb- repeated', 'xoxb-'],
    ['ghp_ repeated', 'ghp_a'],
    ['AKIA repeated', 'AKIA'],
    ['BEGIN repeated', '-----BEGIN '],
    ['BEGIN PRIVATE KEY repeated', '-----BEGIN PRIVATE KEY-----'],
    ['BEGIN A run', '-----BEGIN AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['ya29. repeated', 'ya29.'],
    ['Cookie: repeated', 'Cookie: a=b; '],
    ['\\"password\\": repeated', '\\"password\\": \\"'],
    ['unicode', 'é🦀\u200b'],
  ];
  return [...units.map(([name, unit]) => ({ name, text: run(unit, bytes) })), { name: 'base64-ish', text: base64ish(bytes) }];
}
