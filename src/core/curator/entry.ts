// Reading one agent file into a catalog entry: bytes, sha256, frontmatter, the fields the curator
// uses, whether Claude Code lists it, its listing line and that line's tokens, and its problems.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readAgentFields, unlistedReason } from './agent-fields';
import { type FrontmatterStatus, parseFrontmatter } from './frontmatter';
import { type ProjectTier, type Tier, isOutsideTier, projectPath } from './layout';
import { listingLine, parseToolList } from './listing';
import type { TokenCache } from './token-cache';

export interface AgentEntry {
  /** The agent type Claude Code lists (frontmatter `name`; the file name when that is missing). */
  name: string;
  file: string;
  /** Path below its tier folder, posix separators. */
  relPath: string;
  /** Path below the project (`.claude/agents/x.md`); undefined for user and plugin agents. */
  projectPath?: string;
  tier: Tier;
  /** The plugin a plugin agent comes from (its name is `<plugin>:<name>`). */
  plugin?: string;
  /** A user or plugin agent the curator hides from this project's listing (a deny rule in settings.local.json). */
  hidden?: boolean;
  description: string;
  /** undefined means all tools. */
  tools: string[] | undefined;
  disallowedTools: string[] | undefined;
  model?: string;
  category?: string;
  body: string;
  hash: string;
  size: number;
  mtimeMs: number;
  frontmatter: FrontmatterStatus;
  /** Claude Code would list it from a listed folder. */
  listable: boolean;
  /** Another file with the same name wins the listing slot. */
  shadowed: boolean;
  listingLine: string;
  listingTokens: number;
  movable: boolean;
  /** Why it is not movable. */
  stuck?: string;
}

export type ProblemKind =
  | 'yaml-invalid'
  | 'yaml-recovered'
  | 'no-frontmatter'
  | 'not-a-table'
  | 'missing-name'
  | 'invalid-name'
  | 'missing-description'
  | 'invalid-field'
  | 'duplicate-name'
  | 'symlink'
  | 'symlink-outside'
  | 'folder-redirected'
  | 'too-large'
  | 'unreadable'
  | 'settings-unusable';

export interface CatalogProblem {
  kind: ProblemKind;
  severity: 'error' | 'warning' | 'info';
  tier: Tier;
  file: string;
  name?: string;
  message: string;
  hint?: string;
}

// The client skips agent files above 1 MiB.
const MAX_AGENT_BYTES = 1_048_576;

export function readEntry(tier: Tier, abs: string, rel: string, problems: CatalogProblem[], tokens: TokenCache): AgentEntry | undefined {
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const stat = statSync(abs);
    mtimeMs = stat.mtimeMs;
    if (stat.size > MAX_AGENT_BYTES) {
      problems.push({ kind: 'too-large', severity: 'warning', tier, file: abs, message: `${stat.size} bytes: Claude Code skips agent files over 1 MiB` });
      return undefined;
    }
    bytes = readFileSync(abs);
  } catch (err) {
    problems.push({ kind: 'unreadable', severity: 'warning', tier, file: abs, message: `cannot read: ${(err as Error).message}` });
    return undefined;
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const parsed = parseAgent(hash, bytes, tokens);
  const name = parsed.fields.name ?? basename(rel, '.md');
  const entry: AgentEntry = {
    name,
    file: abs,
    relPath: rel,
    projectPath: isOutsideTier(tier) ? undefined : projectPath(tier as ProjectTier, rel),
    tier,
    description: parsed.fields.description ?? '',
    tools: parseToolList(parsed.fields.tools),
    disallowedTools: parseToolList(parsed.fields.disallowedTools),
    model: parsed.fields.model,
    category: parsed.fields.category,
    body: parsed.body,
    hash,
    size: bytes.length,
    mtimeMs,
    frontmatter: parsed.status,
    listable: parsed.unlisted === undefined,
    shadowed: false,
    listingLine: parsed.line,
    listingTokens: parsed.tokens,
    movable: true,
  };
  for (const problem of parsed.problems) problems.push({ ...problem, tier, file: abs, name });
  if (parsed.status !== 'ok') markStuck(entry, 'its frontmatter does not parse as strict YAML');
  if (parsed.unlisted) markStuck(entry, 'Claude Code does not list it');
  return entry;
}

interface ParsedAgent {
  status: FrontmatterStatus;
  fields: ReturnType<typeof readAgentFields>['fields'];
  body: string;
  unlisted?: ReturnType<typeof unlistedReason>;
  line: string;
  tokens: number;
  problems: Array<Omit<CatalogProblem, 'tier' | 'file' | 'name'>>;
}

// Parsing depends on the bytes alone; the watcher re-catalogs unchanged files over and over.
const parsedByHash = new Map<string, ParsedAgent>();
const PARSE_CACHE_LIMIT = 10_000;

function parseAgent(hash: string, bytes: Buffer, tokens: TokenCache): ParsedAgent {
  const cached = parsedByHash.get(hash);
  if (cached) return cached;
  const fm = parseFrontmatter(bytes.toString('utf8'));
  const { fields, issues } = readAgentFields(fm.data);
  const problems: ParsedAgent['problems'] = [];
  const template = frontmatterProblems[fm.status];
  if (template) problems.push({ ...template, message: template.message(yamlErrorPlace(fm.error)) });
  for (const issue of issues) problems.push({ kind: 'invalid-field', severity: 'warning', message: issue.message });
  const unlisted = fm.status === 'absent' || fm.status === 'invalid' ? undefined : unlistedReason(fields);
  if (unlisted) problems.push({ kind: unlisted.kind, severity: 'warning', message: unlisted.message });
  const listable = fm.status !== 'absent' && fm.status !== 'invalid' && fm.status !== 'not-a-table' && !unlisted;
  const line = listable ? listingLine(fields.name!, fields.description!, parseToolList(fields.tools), parseToolList(fields.disallowedTools)) : '';
  const parsed: ParsedAgent = {
    status: fm.status,
    fields,
    body: fm.body,
    unlisted: listable ? undefined : (unlisted ?? { kind: 'missing-name', message: 'no readable frontmatter' }),
    line,
    tokens: line ? tokens.count(line) : 0,
    problems,
  };
  if (parsedByHash.size >= PARSE_CACHE_LIMIT) parsedByHash.clear();
  parsedByHash.set(hash, parsed);
  return parsed;
}

type ProblemTemplate = Omit<CatalogProblem, 'tier' | 'file' | 'name' | 'message'> & { message: (where: string) => string };

const frontmatterProblems: Partial<Record<FrontmatterStatus, ProblemTemplate>> = {
  recovered: {
    kind: 'yaml-recovered',
    severity: 'warning',
    message: (where) => `frontmatter is not valid YAML${where}; Claude Code still lists it after quoting values`,
    hint: 'quote the value (description: "...") so every tool reads it alike; until then agent-warden leaves it in place',
  },
  invalid: {
    kind: 'yaml-invalid',
    severity: 'error',
    message: (where) => `frontmatter is not valid YAML${where}, so Claude Code ignores this agent`,
    hint: 'fix the YAML between the --- lines',
  },
  absent: {
    kind: 'no-frontmatter',
    severity: 'warning',
    message: () => 'no frontmatter (the file must start with a --- line), so Claude Code ignores this agent',
    hint: 'remove any blank lines or indentation before the opening ---',
  },
  'not-a-table': {
    kind: 'not-a-table',
    severity: 'warning',
    message: () => 'frontmatter is a list or a single value, not key: value pairs, so Claude Code ignores this agent',
  },
};

/** " at line 3, column 143" out of a YAML error, which is otherwise long and the same for every file. */
function yamlErrorPlace(error: string | undefined): string {
  const place = error && /at line (\d+), column (\d+)/.exec(error);
  // gray-matter hands the block over starting with the rest of the --- line: its lines are the file's.
  return place ? ` at line ${place[1]}, column ${place[2]}` : '';
}

export function markStuck(entry: AgentEntry, why: string): void {
  if (!entry.movable) return;
  entry.movable = false;
  entry.stuck = why;
}
