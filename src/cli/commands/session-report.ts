// `agent-warden session-report <id>`: one session's synthesis, in order.
import type { Command } from 'commander';
import { listDispatches } from '../../ledger/read-dispatches';
import { buildSessionReport, type SessionInfo } from '../../report/session-report';
import { sessionMarkdown } from '../../report/session-markdown';
import { queryMainThread } from '../../report/usage-query';
import { PRICING_DATE } from '../../runtime/tokens/pricing';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { printJson } from '../output';
import { jsonOption } from '../flags';

export function registerSessionReportCommand(program: Command): void {
  program
    .command('session-report <id>')
    .description("one session: what was dispatched to whom with what context, what came back, what it cost; plus main-thread tokens")
    .addOption(jsonOption())
    .option('--md', 'print Markdown (the default form, for slash commands too)')
    .action((id: string, opts) => {
      const report = withLedger((db) => {
        const matches = db
          .prepare(`SELECT session_id, project, started_at, ended_at, end_reason FROM sessions WHERE session_id = ? OR session_id LIKE ? ORDER BY session_id = ? DESC LIMIT 2`)
          .all(id, `${id.replace(/[%_]/g, '')}%`, id) as SessionInfo[];
        // Dispatches imported without their session's hook events still make a session.
        if (!matches.length && db.prepare('SELECT 1 FROM dispatches WHERE session_id = ? LIMIT 1').get(id)) {
          matches.push({ session_id: id, project: null, started_at: null, ended_at: null, end_reason: null });
        }
        const exact = matches.find((m) => m.session_id === id);
        if (!matches.length) throw new UserError(`no session "${id}" in the ledger`, 'list sessions with `agent-warden sessions`');
        if (!exact && matches.length > 1) throw new UserError(`"${id}" matches more than one session`, 'give more characters of the id');
        const session = exact ?? matches[0]!;
        const records = listDispatches(db, { sessionId: session.session_id });
        const main = queryMainThread(db, { sessionId: session.session_id });
        return buildSessionReport(session, records, main, PRICING_DATE);
      });
      if (opts.json) return printJson(report);
      process.stdout.write(sessionMarkdown(report));
    });
}
