// Secrets told by what stands before them: a telling name (`AWS_SECRET_ACCESS_KEY=…`,
// `"db_password": "…"`, `\"api_key\": \"…\"` inside escaped JSON, `Authorization: Basic …`,
// `Cookie: …`) or the userinfo of a URL (`postgres://admin:pa/ss@db`). Hand-written forward
// scanners: each step reads a bounded prefix from a literal hit, and the search resumes past what
// was read, so the cost is linear in the text whatever it holds.

// The telling word can sit anywhere in a name; plurals like `tokens: 12` are counts, not secrets.
const NAMES = /pass(?:word|wd)|pwd|secrets?|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|authorization|cookies?/gi;
// After the word: the rest of the name (`_ACCESS_KEY`), a closing quote (escaped too: `\"`), then `:`, `=` or `=>`.
// The rest of the name shares no character with what follows it, so nothing here backtracks.
const AFTER_NAME = /(?:[_.-][\w.-]*)?(?:\\{0,3}["'])?\s{0,16}[:=]>?\s{0,16}/y;
const NAME_RUN = /[\w.-]*/y;
const OPEN_QUOTE = /(\\{0,3})(["'])/y;
// `Authorization: Basic …`: the scheme stays, what follows it is the secret.
const SCHEME = /(?:basic|bearer|token|digest|negotiate|bot)[ \t]{1,16}/iy;
// An unquoted value ends at whitespace, a quote or a list separator (as `token=abc, next=1`).
const VALUE_END = new Set([' ', '\t', '\n', '\r', '\f', '\v', '"', "'", '`', ',', ';']);
const UNQUOTED_MIN = 4; // `secret: it is` is prose; quoted values are masked at any length

export function maskNamedSecrets(text: string, mask: string): string {
  return maskUrlPasswords(maskAfterNames(text, mask), mask);
}

function maskAfterNames(text: string, mask: string): string {
  const parts: string[] = [];
  let kept = 0;
  NAMES.lastIndex = 0;
  for (let m = NAMES.exec(text); m; m = NAMES.exec(text)) {
    const after = NAMES.lastIndex;
    AFTER_NAME.lastIndex = after;
    if (!AFTER_NAME.exec(text)) {
      // `password_x_token_y…` then no `:`/`=`: every telling word later in this name fails the same
      // way, so the search goes on past the name instead of rescanning it from each word.
      if ('_.-'.includes(text[after] ?? 'x')) {
        NAME_RUN.lastIndex = after;
        NAME_RUN.exec(text);
        NAMES.lastIndex = NAME_RUN.lastIndex;
      }
      continue;
    }
    const span = valueSpan(text, AFTER_NAME.lastIndex, (m[0][0] === 'c' || m[0][0] === 'C') && m[0].length >= 6 && m[0].slice(0, 6).toLowerCase() === 'cookie');
    if (!span) continue;
    parts.push(text.slice(kept, span[0]), mask);
    kept = span[1];
    NAMES.lastIndex = Math.max(span[1], NAMES.lastIndex);
  }
  if (!parts.length) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}

/** Where the value starting at `at` lies, quoted or not; undefined when there is none to mask. */
function valueSpan(text: string, at: number, cookie: boolean): [number, number] | undefined {
  OPEN_QUOTE.lastIndex = at;
  const quote = OPEN_QUOTE.exec(text);
  if (quote) {
    const start = skipScheme(text, OPEN_QUOTE.lastIndex);
    const end = closingQuote(text, start, quote[1]!, quote[2]!);
    return end > start ? [start, end] : undefined;
  }
  const start = skipScheme(text, at);
  let end = start;
  while (end < text.length) {
    const c = text[end]!;
    if (c === '\n' || c === '\r' || c === '"' || c === "'") break;
    if (!cookie && VALUE_END.has(c)) break; // a cookie header runs to the end of its line: `a=1; b=2`
    if (c === '\\') {
      if (text[end + 1] !== '/') break; // `\/` is an escaped slash inside JSON; `\"`, `\n` end the value
      end += 2;
      continue;
    }
    end++;
  }
  return end - start >= (start > at ? 1 : UNQUOTED_MIN) ? [start, end] : undefined;
}

function skipScheme(text: string, at: number): number {
  SCHEME.lastIndex = at;
  return SCHEME.exec(text) ? SCHEME.lastIndex : at;
}

/** The index of the quote that closes one opened with `escapes` + `quote`, or of the line's end. */
function closingQuote(text: string, from: number, escapes: string, quote: string): number {
  if (escapes) {
    const close = text.indexOf(escapes + quote, from);
    if (close >= 0) return close;
    const eol = text.indexOf('\n', from);
    return eol >= 0 ? eol : text.length;
  }
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote || c === '\n') return i;
    i += c === '\\' ? 2 : 1;
  }
  return text.length;
}

// `scheme://user:password@host`, also written JSON-escaped (`:\/\/`). The password may hold `/`
// (many clients accept it); `host:8080/path@x` is a port and a path, not a password.
const URL_START = /:(?:\/\/|\\\/\\\/)/g;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const USER_MAX = 256;
const USER_STOP = new Set([' ', '\t', '\n', '\r', '/', '@', '"', "'", '<', '>', '\\']);
const PASSWORD_STOP = new Set([' ', '\t', '\n', '\r', '@', '"', "'", '<', '>', '`']);
const PORT = /^\d{1,5}(?:[/?#\\]|$)/;

function maskUrlPasswords(text: string, mask: string): string {
  const parts: string[] = [];
  let kept = 0;
  URL_START.lastIndex = 0;
  for (let m = URL_START.exec(text); m; m = URL_START.exec(text)) {
    if (!m.index || !SCHEME_CHAR.test(text[m.index - 1]!)) continue;
    let i = URL_START.lastIndex;
    const limit = Math.min(text.length, i + USER_MAX);
    while (i < limit && text[i] !== ':' && !USER_STOP.has(text[i]!)) i++;
    if (text[i] !== ':') continue;
    const start = i + 1;
    let end = start;
    while (end < text.length && !PASSWORD_STOP.has(text[end]!)) end++;
    URL_START.lastIndex = end; // nothing before `end` can start a URL with a password: it would end here too
    if (text[end] !== '@' || end === start || PORT.test(text.slice(start, Math.min(end, start + 7)))) continue;
    parts.push(text.slice(kept, start), mask);
    kept = end;
  }
  if (!parts.length) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}
