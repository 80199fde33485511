// Key names that say their value is a secret, whatever the spelling: `password`, `API-Key`,
// `clientSecret`, `x_auth_token`, `Authorization`, `Set-Cookie`, `private_key`, `credentials`.
// Case and separators are ignored; the word may sit anywhere in the name.
const SECRET_WORDS = /password|passwd|secret|token|apikey|accesskey|authorization|cookie|privatekey|credential/;

// Token *counts* (`max_tokens`, `input_tokens`, `totalTokens`) are numbers we need; a string under
// such a key is still masked, in case it is a list of tokens.
const COUNT_WORDS = /tokens|tokencount/;

/**
 * `all`: mask every string and number below the key; `text`: mask strings only; `no`: not a
 * secret's name. Keys are short; a long one is judged on its first 256 characters.
 */
export function sensitiveKey(key: string): 'all' | 'text' | 'no' {
  if (key.length < 3) return 'no';
  const name = key.slice(0, 256).toLowerCase().replace(/[^a-z0-9]+/g, '');
  if (!SECRET_WORDS.test(name)) return 'no';
  return COUNT_WORDS.test(name) ? 'text' : 'all';
}
