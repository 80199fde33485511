// The line Claude Code adds for every listed agent to each request's "Available agent types" reminder
// (contract §7.1), rebuilt exactly as 2.1.328 renders it so that its token count is the real cost.
// Checked against the client: 0xfurai's 136 listed agents give 5,055 tokens here, and the client's
// measured listing is 5,365 = 5,055 + the built-in block below; VoltAgent@6a82f08: 74,821 + 310 = 75,131.
/** Tokens of the reminder's header, footer and built-in agents (cl100k, 2.1.328, default settings). */
export const BUILTIN_LISTING_TOKENS = 310;

/**
 * A `tools`/`disallowedTools` value as the client splits it: commas and spaces separate names
 * except inside parentheses (`Bash(git diff:*)`); a `*` anywhere means all tools (undefined).
 */
export function parseToolList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!value) return [];
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
  const names: string[] = [];
  for (const item of items) {
    let current = '';
    let inParens = false;
    const flush = () => {
      if (current.trim()) names.push(current.trim());
      current = '';
    };
    for (const ch of item) {
      if (ch === '(') inParens = true;
      if (ch === ')') inParens = false;
      if ((ch === ',' || ch === ' ') && !inParens) flush();
      else if (current || ch.trim()) current += ch;
    }
    flush();
  }
  return names.includes('*') ? undefined : names;
}

export function renderTools(tools: string[] | undefined, disallowed: string[] | undefined): string {
  const allowsSome = tools !== undefined && tools.length > 0;
  const deniesSome = disallowed !== undefined && disallowed.length > 0;
  if (allowsSome && deniesSome) {
    const denied = new Set(disallowed);
    const left = tools.filter((t) => !denied.has(t));
    return left.length === 0 ? 'None' : left.join(', ');
  }
  if (allowsSome) return tools.join(', ');
  if (deniesSome) return `All tools except ${disallowed.join(', ')}`;
  return 'All tools';
}

export function listingLine(agentType: string, description: string, tools: string[] | undefined, disallowed?: string[]): string {
  // The client turns a literal backslash-n in a description into a newline before listing it.
  const whenToUse = description.replaceAll('\\n', '\n');
  return `- ${agentType}: ${whenToUse} (Tools: ${renderTools(tools, disallowed)})`;
}
