// `agent-warden optimize`: advice from the ledger, the agent catalog and the budgets. Each source
// is optional: a rule whose facts cannot be read is reported as skipped, never as an error.
import type { Command } from 'commander';
import { budgetStatus } from '../../core/budget/status';
import { loadConfig } from '../../runtime/config/load';
import { homedir } from 'node:os';
import { buildCatalog } from '../../core/curator/catalog';
import { userAgentsDir } from '../../core/curator/layout';
import type { Ledger } from '../../ledger/db';
import { queryDispatchCounts, queryMainRequests, queryRepeatedContext } from '../../report/optimize-query';
import { buildOptimizeReport, type BudgetUse, type ListedAgent, type OptimizeReport } from '../../report/optimize';
import type { ReportScope } from '../../report/scope';
import { queryUsageRows } from '../../report/usage-query';
import { buildUsageReport } from '../../report/usage-report';
import { PRICING_DATE } from '../../runtime/tokens/pricing';
import { withLedger } from '../ledger-access';
import { fmtInt, pc, printJson } from '../output';
import { addScopeOptions, scopeFrom, withProgress } from './report';
import { jsonOption } from '../flags';

export function registerOptimizeCommand(program: Command): void {
  const cmd = program.command('optimize').description('advice from the data: unused listed agents, repeated context, failing agent types, budgets near their limit');
  addScopeOptions(cmd, { defaultSince: '30d' })
    .addOption(jsonOption())
    .option('--md', 'print Markdown')
    .action((opts) => {
      const scope = scopeFrom(opts);
      const now = Date.now();
      const report = withProgress('reading the ledger', () => withLedger((db) => buildOptimizeReport(gatherFacts(db, scope, now))));
      if (opts.json) return printJson(report);
      process.stdout.write(optimizeText(report, opts.md === true));
    });
}

function gatherFacts(db: Ledger, scope: ReportScope, now: number) {
  const { groups, total } = queryUsageRows(db, scope, 'agent');
  return {
    listedAgents: scope.project ? listedAgents(scope.project) : undefined,
    dispatchCounts: queryDispatchCounts(db, { ...scope, agentType: undefined }),
    mainRequests: queryMainRequests(db, scope),
    repeatedContext: queryRepeatedContext(db, scope),
    byAgent: buildUsageReport({ scope, by: 'agent', groups, total, pricingDate: PRICING_DATE, generatedAt: now }).groups,
    budgets: scope.project ? budgetsInUse(db, scope.project, now) : undefined,
  };
}

/** Agents Claude Code lists to the main thread: the project's core set, the user's own and the enabled plugins' (unless hidden here). */
function listedAgents(project: string): ListedAgent[] | undefined {
  try {
    return buildCatalog(project, { userDir: userAgentsDir(), pluginHome: homedir() })
      .entries.filter((e) => e.listable && !e.shadowed && e.tier !== 'extended' && !e.hidden)
      .map((e) => ({ name: e.name, tier: e.tier, listing_tokens: e.listingTokens }));
  } catch {
    return undefined;
  }
}

function budgetsInUse(db: Ledger, project: string, now: number): BudgetUse[] | undefined {
  try {
    const { config } = loadConfig(project);
    // Session budgets belong to a running session; outside one only the windowed ones mean anything.
    return budgetStatus(db, config, { sessionId: '', project }, now)
      .filter((r) => r.scope !== 'session')
      .map((r) => ({ budget: r.budget, unit: r.unit, percent: r.percent, spent: r.spent, limit: r.limit, resets_at: r.resets_at }));
  } catch {
    return undefined;
  }
}

function optimizeText(r: OptimizeReport, md: boolean): string {
  const out: string[] = [md ? '## agent-warden optimize' : pc.bold('agent-warden optimize'), ''];
  if (!r.advice.length) out.push('No advice: nothing in the data suggests a change.');
  for (const a of r.advice) out.push(`- [${a.rule}] ${a.message}${a.tokens ? ` (~${fmtInt(a.tokens)} tokens at stake)` : ''}`);
  for (const s of r.skipped) out.push(md ? `- _skipped ${s.rule}: ${s.why}_` : pc.dim(`- skipped ${s.rule}: ${s.why}`));
  return out.join('\n') + '\n';
}
