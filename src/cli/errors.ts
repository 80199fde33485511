// Two kinds of errors: the user's (exit 1, with the fix) and ours (exit 2, with how to report).
export class UserError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(message);
    this.name = 'UserError';
  }
}

export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`agent-warden: ${err.message}${err.fix ? `\n  fix: ${err.fix}` : ''}\n`);
    return 1;
  }
  const e = err as Error;
  process.stderr.write(`agent-warden: internal error: ${e?.stack ?? String(err)}\nPlease report it with the command you ran and \`agent-warden doctor\` output.\n`);
  return 2;
}
