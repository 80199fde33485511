/**
 * A small builder for scripted conversations, turned into a `Script` for `startMockModel`.
 *
 *   conversation()
 *     .main(dispatch({ subagent_type: 'code-reviewer', prompt: 'REVIEW foo' }), text('All done.'))
 *     .subagent('REVIEW foo', bash('echo hi'), text('REPORT done'))
 *     .script()
 *
 * Each thread is a list of steps; a request gets the step at its turn index (the number of
 * assistant messages it already contains), so replies do not depend on arrival order and
 * concurrent threads (background agents) cannot steal each other's steps.
 */
import type { ErrorReply, Reply, Script, Usage } from './mock-model';
import { firstUserText, isSideRequest, isSubagent, turnIndex, type ModelRequest } from './model-requests';

export type Step = Reply | ((req: ModelRequest) => Reply | ErrorReply);

export interface Dispatch {
  subagent_type: string;
  prompt: string;
  description?: string;
  /** Sent explicitly: since 2.1.198 an omitted flag means background. */
  run_in_background?: boolean;
}

export interface ConversationOptions {
  /** Usage for every reply unless the step sets its own (missing fields fall back to DEFAULT_USAGE). */
  usage?: Partial<Usage>;
  /** The reply once a thread has run out of steps, to unknown subagents and to side requests. */
  fallback?: Reply;
}

interface Thread {
  match: string | RegExp;
  steps: Step[];
}

export function text(value: string, usage?: Partial<Usage>): Reply {
  return { content: [{ type: 'text', text: value }], usage };
}

export function toolUse(name: string, input: Record<string, unknown>, usage?: Partial<Usage>): Reply {
  return { content: [{ type: 'tool_use', name, input }], usage };
}

export function bash(command: string, description = 'Run a command'): Reply {
  return toolUse('Bash', { command, description });
}

export function dispatch(call: Dispatch): Reply {
  return toolUse('Agent', {
    description: call.description ?? 'Delegated task',
    prompt: call.prompt,
    subagent_type: call.subagent_type,
    run_in_background: call.run_in_background ?? false,
  });
}

/** Several tool calls (or texts) in one assistant message, e.g. two dispatches that run concurrently. */
export function together(...replies: Reply[]): Reply {
  return { content: replies.flatMap((r) => r.content) };
}

export class Conversation {
  private mainSteps: Step[] = [];
  private readonly subagents: Thread[] = [];
  private sideStep: Step | undefined;

  constructor(private readonly options: ConversationOptions = {}) {}

  /** Steps of the main thread, in turn order. */
  main(...steps: Step[]): this {
    this.mainSteps = steps;
    return this;
  }

  /** Steps of the subagent whose first user message (its dispatch prompt) contains or matches `match`. */
  subagent(match: string | RegExp, ...steps: Step[]): this {
    this.subagents.push({ match, steps });
    return this;
  }

  /** The reply to side requests (no tools: titles, summaries). */
  side(step: Step): this {
    this.sideStep = step;
    return this;
  }

  script(): Script {
    return (req) => this.withDefaultUsage(this.resolve(this.stepFor(req), req));
  }

  private stepFor(req: ModelRequest): Step | undefined {
    if (isSideRequest(req)) return this.sideStep;
    const steps = isSubagent(req) ? this.subagentThread(req)?.steps : this.mainSteps;
    return steps?.[turnIndex(req)];
  }

  private subagentThread(req: ModelRequest): Thread | undefined {
    const prompt = firstUserText(req);
    return this.subagents.find(({ match }) =>
      typeof match === 'string' ? prompt.includes(match) : match.test(prompt),
    );
  }

  private resolve(step: Step | undefined, req: ModelRequest): Reply | ErrorReply {
    const chosen = step ?? this.options.fallback ?? text('Done.');
    return typeof chosen === 'function' ? chosen(req) : chosen;
  }

  private withDefaultUsage(reply: Reply | ErrorReply): Reply | ErrorReply {
    if ('error' in reply) return reply;
    return { ...reply, usage: { ...this.options.usage, ...reply.usage } };
  }
}

export function conversation(options?: ConversationOptions): Conversation {
  return new Conversation(options);
}
