/**
 * A loopback stand-in for the Anthropic Messages API that plays a scripted conversation
 * to the real Claude Code CLI (`ANTHROPIC_BASE_URL=<mock.url>`).
 *
 * What CLI 2.1.328 sends (observed by logging every request, `claude -p … --output-format json`):
 * - Endpoints: `HEAD /api/hello` once at startup (a reachability probe; skipped when
 *   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1) and `POST /v1/messages?beta=true` with `stream: true`
 *   for every turn. `count_tokens` was never called in these runs but is answered anyway; any
 *   other path gets an immediate 404 JSON error, so nothing can hang.
 * - Main thread vs subagent: every request a subagent makes carries the header
 *   `x-claude-code-agent-id: <agentId>` and its billing line (`system[0]`) ends in
 *   `cc_is_subagent=true;`. The main thread has neither. A subagent's `system` holds the agent's
 *   markdown body; its first user message ends with the dispatch prompt; a custom agent's `tools`
 *   are only those its frontmatter lists (no `Agent`, hence no agent listing). A general-purpose
 *   subagent does get `Agent` and the listing, so neither tells the threads apart.
 * - `messages` may contain role "system" messages: the environment block, the
 *   "Available agent types for the Agent tool:" listing, later deltas. One can follow a tool result,
 *   so "the last message" is not always the user's: count assistant messages to know the turn.
 * - Background agents run concurrently with the main thread. In `-p` mode the CLI waits for them:
 *   each completion arrives as a new main-thread turn (`<task-notification>` in the last user
 *   message); stdout holds one JSON result, that of the final turn (`result_index` = extra turns).
 * - Side requests (title, agent summaries, classifiers): none were seen in `-p` runs, with or without
 *   non-essential traffic. The builder assumes one would come without `tools` (the conversation
 *   turns always carry some) and answers it with plain text.
 * - The CLI trusts the usage we send: `message_start` carries input and cache counts, `message_delta`
 *   the final output count; `modelUsage` in the JSON result is the sum over all replies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isModelRequest, type ModelRequest, type RecordedRequest } from './model-requests';

export * from './model-requests';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** The split of `cache_creation_input_tokens` by cache lifetime, as the real API sends it. */
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

export interface Reply {
  content: ReplyBlock[];
  usage?: Partial<Usage>;
  /** Defaults to "tool_use" when the reply calls a tool, else "end_turn". */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  /** Wait before answering (to hold a thread open while others proceed). */
  delayMs?: number;
}

export interface ErrorReply {
  error: { status: number; type: string; message: string };
  /** Sent as `x-should-retry`; false stops the SDK's automatic retries. */
  retry?: boolean;
}

export type Script = (req: ModelRequest) => Reply | ErrorReply | Promise<Reply | ErrorReply>;

/** What the mock answered to one model request, with the ids it minted. */
export interface SentReply {
  messageId: string;
  content: Array<Exclude<ReplyBlock, { type: 'tool_use' }> | (ReplyBlock & { type: 'tool_use'; id: string })>;
  usage: Usage;
  stopReason: string;
}

export interface RecordedModelRequest extends ModelRequest {
  reply?: SentReply | ErrorReply;
}

export interface MockModel {
  url: string;
  /** Every request in arrival order, model calls and probes alike. */
  requests: RecordedRequest[];
  /** Only the `POST /v1/messages` calls, each with the reply it got. */
  modelRequests(): RecordedModelRequest[];
  close(): Promise<void>;
}

export const DEFAULT_USAGE: Usage = {
  input_tokens: 100,
  output_tokens: 10,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

export async function startMockModel(script: Script): Promise<MockModel> {
  const requests: RecordedRequest[] = [];
  let replyCount = 0;
  const server = http.createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      const recorded = record(req, raw, requests.length + 1);
      requests.push(recorded);
      try {
        await answer(recorded, res, script, () => ++replyCount);
      } catch (err) {
        // A throwing script must fail the session visibly, not leave the CLI waiting.
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, apiError('api_error', `mock script failed: ${String(err)}`));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    modelRequests: () => requests.filter(isModelRequest),
    close: () => closeServer(server),
  };
}

async function answer(
  req: RecordedRequest,
  res: http.ServerResponse,
  script: Script,
  nextReplyNumber: () => number,
): Promise<void> {
  if (req.method === 'HEAD' || req.path === '/api/hello') {
    res.writeHead(200).end();
  } else if (req.method === 'POST' && req.path === '/v1/messages/count_tokens') {
    sendJson(res, 200, { input_tokens: Math.ceil(JSON.stringify(req.body).length / 4) });
  } else if (isModelRequest(req)) {
    const reply = await script(req);
    if ('error' in reply) {
      (req as RecordedModelRequest).reply = reply;
      sendError(res, reply);
      return;
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    const sent = mintReply(reply, nextReplyNumber());
    (req as RecordedModelRequest).reply = sent;
    if (req.body.stream) streamReply(res, sent, req.body.model);
    else sendJson(res, 200, messageJson(sent, req.body.model));
  } else {
    sendJson(res, 404, apiError('not_found_error', `mock model: no route for ${req.method} ${req.path}`));
  }
}

/** Gives the reply its message id (`msg_<n>`, as in the captured transcripts), tool ids and full usage. */
function mintReply(reply: Reply, n: number): SentReply {
  const content = reply.content.map((block, i) =>
    block.type === 'tool_use' ? { ...block, id: block.id ?? `toolu_${n}_${i}` } : block,
  );
  const callsTool = content.some((b) => b.type === 'tool_use');
  return {
    messageId: `msg_${n}`,
    content,
    usage: { ...DEFAULT_USAGE, ...reply.usage },
    stopReason: reply.stopReason ?? (callsTool ? 'tool_use' : 'end_turn'),
  };
}

/** The event sequence the real API streams: start, ping, one block at a time, delta with usage, stop. */
function streamReply(res: http.ServerResponse, reply: SentReply, model: string): void {
  if (res.destroyed) return; // the CLI gave up on this request (e.g. a killed background agent)
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (event: string, data: object): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  const { output_tokens, ...inputSide } = reply.usage;
  send('message_start', {
    message: { ...messageJson(reply, model), content: [], stop_reason: null, usage: { ...inputSide, output_tokens: 1 } },
  });
  send('ping', {});
  reply.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const text of chunks(block.text)) send('content_block_delta', { index, delta: { type: 'text_delta', text } });
    } else {
      send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      for (const partial_json of chunks(JSON.stringify(block.input))) {
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
      }
    }
    send('content_block_stop', { index });
  });
  send('message_delta', { delta: { stop_reason: reply.stopReason, stop_sequence: null }, usage: { output_tokens } });
  send('message_stop', {});
  res.end();
}

function messageJson(reply: SentReply, model: string): object {
  return {
    id: reply.messageId,
    type: 'message',
    role: 'assistant',
    model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: reply.usage,
  };
}

function sendError(res: http.ServerResponse, reply: ErrorReply): void {
  res.setHeader('x-should-retry', String(reply.retry ?? false));
  sendJson(res, reply.error.status, apiError(reply.error.type, reply.error.message));
}

function apiError(type: string, message: string): object {
  return { type: 'error', error: { type, message } };
}

function sendJson(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function record(req: http.IncomingMessage, raw: string, seq: number): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://mock');
  return {
    seq,
    method: req.method ?? 'GET',
    path: url.pathname,
    headers: req.headers,
    body: parseJson(raw),
    receivedAt: Date.now(),
  };
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

/** Splits streamed text the way the API does, so the CLI's delta accumulation is exercised. */
function chunks(text: string, size = 24): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function closeServer(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  // Keep-alive sockets from the CLI would otherwise hold close() open.
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
