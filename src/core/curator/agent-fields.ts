// The frontmatter fields the curator reads, validated one by one: a wrong type in one field (say
// `model: 4`) is reported and ignored instead of discarding the whole agent. Whether Claude Code
// lists the agent at all follows the client's own rules for .claude/agents files (2.1.328): `name`
// and `description` must be non-empty strings; a file without `name` is skipped silently (the
// file-name fallback exists only for plugin agents).
import * as z from 'zod/mini';

const toolList = z.union([z.string(), z.array(z.string())]);

const fieldSchemas = {
  name: z.string(),
  description: z.string(),
  tools: toolList,
  disallowedTools: toolList,
  model: z.string(),
  category: z.string(),
} as const;

type FieldName = keyof typeof fieldSchemas;
export type AgentFields = { [K in FieldName]?: z.output<(typeof fieldSchemas)[K]> };

export interface FieldIssue {
  field: FieldName;
  message: string;
}

export function readAgentFields(data: Record<string, unknown>): { fields: AgentFields; issues: FieldIssue[] } {
  const fields: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const field of Object.keys(fieldSchemas) as FieldName[]) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const parsed = fieldSchemas[field].safeParse(value);
    if (parsed.success) fields[field] = parsed.data;
    else issues.push({ field, message: `"${field}" should be ${expected[field]}, found ${describe(value)}` });
  }
  return { fields: fields as AgentFields, issues };
}

const expected: Record<FieldName, string> = {
  name: 'a string',
  description: 'a string',
  tools: 'a comma-separated string or a list of strings',
  disallowedTools: 'a comma-separated string or a list of strings',
  model: 'a string',
  category: 'a string',
};

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list with non-string items';
  if (value instanceof Date) return `a date (${value.toISOString().slice(0, 10)}); quote it`;
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

export type UnlistedReason = 'missing-name' | 'invalid-name' | 'missing-description';

const MAX_NAME_LENGTH = 256;

/** Why Claude Code would leave this agent out of its listing, or undefined when it lists it. */
export function unlistedReason(fields: AgentFields): { kind: UnlistedReason; message: string } | undefined {
  const { name, description } = fields;
  if (!name) return { kind: 'missing-name', message: 'no "name" in the frontmatter, so Claude Code skips this file' };
  if (name.startsWith('-')) return { kind: 'invalid-name', message: `"name" ${JSON.stringify(name)} starts with "-"` };
  if (name.length > MAX_NAME_LENGTH) return { kind: 'invalid-name', message: `"name" is longer than ${MAX_NAME_LENGTH} characters` };
  if (name.normalize('NFKC').includes(':')) {
    return { kind: 'invalid-name', message: `"name" ${JSON.stringify(name)} contains ":" (reserved for plugin agents)` };
  }
  if (!description) return { kind: 'missing-description', message: 'no "description" in the frontmatter, so Claude Code skips this file' };
  return undefined;
}
