/**
 * Read-only helpers over the Messages API requests the real CLI sends to the mock.
 * Shapes are the subset of the wire format the tests look at; everything else is kept as `unknown`.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface WireBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | WireBlock[];
  is_error?: boolean;
}

export interface WireMessage {
  // 2.1.328 also sends role "system" messages inside `messages` (environment, agent listing, deltas).
  role: 'user' | 'assistant' | 'system';
  content: string | WireBlock[];
}

export interface MessagesBody {
  model: string;
  messages: WireMessage[];
  system?: string | WireBlock[];
  tools?: Array<{ name: string }>;
  stream?: boolean;
  max_tokens?: number;
  [key: string]: unknown;
}

/** One HTTP request as the mock received it. `body` is parsed JSON when it was JSON. */
export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  receivedAt: number;
}

/** A `POST /v1/messages` request (the body is known to be a Messages body). */
export interface ModelRequest extends RecordedRequest {
  body: MessagesBody;
}

export interface ToolResult {
  toolUseId: string;
  text: string;
  isError: boolean;
}

const AGENT_ID_HEADER = 'x-claude-code-agent-id';
const LISTING_HEADER = 'Available agent types for the Agent tool:';

export function isModelRequest(req: RecordedRequest): req is ModelRequest {
  return req.method === 'POST' && req.path === '/v1/messages' && isMessagesBody(req.body);
}

function isMessagesBody(body: unknown): body is MessagesBody {
  return typeof body === 'object' && body !== null && Array.isArray((body as MessagesBody).messages);
}

/** The subagent id the CLI puts in a header on every request a subagent makes; undefined on the main thread. */
export function agentId(req: ModelRequest): string | undefined {
  const value = req.headers[AGENT_ID_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Subagent requests carry `x-claude-code-agent-id`; the billing line in `system[0]` also says
 * `cc_is_subagent=true`. Either is enough: the header is primary, the billing line a fallback.
 */
export function isSubagent(req: ModelRequest): boolean {
  return agentId(req) !== undefined || systemText(req).includes('cc_is_subagent=true');
}

/** Side requests (titles, summaries, classifiers) are sent without tools; conversation turns always have some. */
export function isSideRequest(req: ModelRequest): boolean {
  return (req.body.tools ?? []).length === 0;
}

/** A turn of the main conversation: neither a subagent's nor a side request. */
export function isMainThread(req: ModelRequest): boolean {
  return !isSubagent(req) && !isSideRequest(req);
}

/** How many assistant turns the thread already has: 0 on its first request. Stable under retries. */
export function turnIndex(req: ModelRequest): number {
  return req.body.messages.filter((m) => m.role === 'assistant').length;
}

export function systemText(req: ModelRequest): string {
  const { system } = req.body;
  if (system === undefined) return '';
  return typeof system === 'string' ? system : joinText(system);
}

/** Text of one message; a string content is its own text, tool results are not included. */
export function messageText(message: WireMessage): string {
  return typeof message.content === 'string' ? message.content : joinText(message.content);
}

/** Text of the first user message: it holds the `-p` prompt (main thread) or the dispatch prompt (subagent). */
export function firstUserText(req: ModelRequest): string {
  const first = req.body.messages.find((m) => m.role === 'user');
  return first ? messageText(first) : '';
}

/** Text of the last user message (role "system" messages the CLI appends after it are skipped). */
export function lastUserText(req: ModelRequest): string {
  const last = lastUserMessage(req);
  return last ? messageText(last) : '';
}

/** The tool_result blocks of the last user message, with their text flattened. */
export function toolResults(req: ModelRequest): ToolResult[] {
  const last = lastUserMessage(req);
  if (!last || typeof last.content === 'string') return [];
  return last.content
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({
      toolUseId: b.tool_use_id ?? '',
      text: typeof b.content === 'string' ? b.content : joinText(b.content ?? []),
      isError: b.is_error === true,
    }));
}

/**
 * The "Available agent types for the Agent tool:" section: the header plus its `- type: …` entries.
 * 2.1.328 sends it inside a role "system" message (older builds: a user `<system-reminder>`), so
 * every message is searched. Later "New agent types are now available" deltas are not included.
 * An entry runs from its `- type: ` line to the line ending in `(Tools: …)`: descriptions may span
 * lines (and blank lines, and `- ` bullets), as in collections with `<example>` blocks.
 */
export function agentListing(req: ModelRequest): string | undefined {
  for (const message of req.body.messages) {
    const text = messageText(message);
    const start = text.indexOf(LISTING_HEADER);
    if (start === -1) continue;
    const lines = text.slice(start).split('\n');
    return lines.slice(0, listingEntryStarts(lines).end).join('\n');
  }
  return undefined;
}

/** Agent type names in the listing, e.g. ["claude", "code-reviewer", "Explore", …]. */
export function listedAgentTypes(req: ModelRequest): string[] {
  const listing = agentListing(req);
  if (listing === undefined) return [];
  const lines = listing.split('\n');
  return listingEntryStarts(lines)
    .starts.map((i) => /^- (\S+?): /.exec(lines[i]!)?.[1] ?? '')
    .filter((name) => name !== '');
}

const ENTRY_END = /\(Tools: .*\)$/;

/** Where each entry starts (line indexes) and the line after the last entry; lines[0] is the header. */
function listingEntryStarts(lines: readonly string[]): { starts: number[]; end: number } {
  const starts: number[] = [];
  let i = 1;
  while (i < lines.length && lines[i]!.startsWith('- ')) {
    starts.push(i);
    while (i < lines.length && !ENTRY_END.test(lines[i]!)) i++;
    i++;
  }
  return { starts, end: Math.min(i, lines.length) };
}

export function toolNames(req: ModelRequest): string[] {
  return (req.body.tools ?? []).map((t) => t.name);
}

function lastUserMessage(req: ModelRequest): WireMessage | undefined {
  return req.body.messages.filter((m) => m.role === 'user').at(-1);
}

function joinText(blocks: WireBlock[]): string {
  return blocks
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('\n');
}
