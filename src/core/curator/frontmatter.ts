// Frontmatter as Claude Code 2.1.328 reads it (read off its binary, the markdown loader used for
// .claude/agents): a file opens with a `---` line or has no frontmatter at all (an
// indented or blank-line-led block does not count); YAML that fails to parse is retried once after
// double-quoting `key: value` lines whose value holds YAML-special characters, the way the client
// rescues the common unquoted `description: ... Triggers on: 'x'` mistake.
import type GrayMatter from 'gray-matter';

// Loaded on first parse: gray-matter (with js-yaml and esprima) costs ~20 ms at startup, and the
// hook bundle imports this file for the proxy dispatch, which parses only on an extended dispatch.
let grayMatter: typeof GrayMatter | undefined;
const matter = (text: string, options: GrayMatter.GrayMatterOption<string, any>) => (grayMatter ??= require('gray-matter') as typeof GrayMatter)(text, options);

export type FrontmatterStatus =
  | 'ok' // strict YAML parsed to a table
  | 'recovered' // strict YAML failed; the client's quoting retry parsed it
  | 'invalid' // neither parse worked; Claude Code reads no keys from it
  | 'absent' // no opening `---` line
  | 'not-a-table'; // parsed, but to a list or a scalar

export interface ParsedFrontmatter {
  status: FrontmatterStatus;
  data: Record<string, unknown>;
  body: string;
  error?: string;
}

// Claude Code's own opening check; gray-matter alone would accept `---yaml` or even `---js`.
const OPENING = /^---\s*\n/;

const refuse = () => {
  throw new Error('only YAML frontmatter is read');
};
// gray-matter evaluates `---js` blocks with eval() by default: agent files come from strangers.
const MATTER_OPTIONS = { language: 'yaml', engines: { javascript: refuse, js: refuse, coffee: refuse } };

export function parseFrontmatter(source: string): ParsedFrontmatter {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (!OPENING.test(text)) return { status: 'absent', data: {}, body: text };
  // Load the parser outside the try: a missing module is our fault, not a YAML error in the file.
  grayMatter ??= require('gray-matter') as typeof GrayMatter;
  try {
    const file = matter(text, MATTER_OPTIONS);
    return asTable(file.data, file.content, 'ok');
  } catch (strictError) {
    const split = splitBlock(text);
    const error = firstLine(strictError);
    try {
      const retried = matter(`---\n${quoteRiskyValues(split.block)}\n---\n`, MATTER_OPTIONS);
      return { ...asTable(retried.data, split.body, 'recovered'), error };
    } catch {
      return { status: 'invalid', data: {}, body: split.body, error };
    }
  }
}

function asTable(data: unknown, body: string, status: 'ok' | 'recovered'): ParsedFrontmatter {
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    return { status, data: data as Record<string, unknown>, body };
  }
  if (data === null || data === undefined) return { status, data: {}, body };
  return { status: 'not-a-table', data: {}, body };
}

/** The block between the delimiters, found the way gray-matter finds it (closing `\n---`). */
function splitBlock(text: string): { block: string; body: string } {
  const afterOpening = text.indexOf('\n') + 1;
  const close = text.indexOf('\n---', afterOpening - 1);
  if (close === -1) return { block: text.slice(afterOpening), body: '' };
  const afterClose = text.indexOf('\n', close + 4);
  return {
    block: text.slice(afterOpening, close),
    body: afterClose === -1 ? '' : text.slice(afterClose + 1),
  };
}

// Copied in meaning from the client's retry: which values it quotes, and how.
const RISKY_VALUE = /[{}[\]*&#!|>%@`]|: /;
const KEY_VALUE_LINE = /^([a-zA-Z_-]+):\s+(\S.*)$/;

export function quoteRiskyValues(block: string): string {
  return block
    .split('\n')
    .map((line) => {
      const match = KEY_VALUE_LINE.exec(line);
      if (!match) return line;
      const [, key, value] = match as unknown as [string, string, string];
      const quoted = (value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"));
      if (quoted || isFlowList(value) || !RISKY_VALUE.test(value)) return line;
      return `${key}: "${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    })
    .join('\n')
    .replace(/^\t+/gm, (tabs) => '  '.repeat(tabs.length));
}

function isFlowList(value: string): boolean {
  if (!value.startsWith('[') || !value.endsWith(']')) return false;
  try {
    return Array.isArray(matter(`---\nv: ${value}\n---\n`, MATTER_OPTIONS).data.v);
  } catch {
    return false;
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
