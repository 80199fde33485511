// What `core plan/apply/restore` print: stable JSON objects for --json, and for people an aligned
// table of moves with the token saving. Pure functions of the results, so both are easy to test.
import { isAbsolute, relative } from 'node:path';
import type { Colors } from 'picocolors/types';
import type { CatalogProblem } from './catalog';
import type { ApplyOutcome, ProjectPlan, RestoreOutcome } from './curate';
import type { RecoveryReport } from './journal';
import type { Budget } from './select';
import type { ListingBySource, Move, VisibilityChange } from './plan';

export function planJson(p: ProjectPlan) {
  const { plan } = p;
  return {
    project: plan.project,
    listing: { before: plan.before, after: plan.after, saved_tokens: plan.savedTokens, builtin_tokens: plan.builtinTokens },
    budget: budgetJson(plan.selection.budget),
    moves: plan.moves.map(moveJson),
    visibility: plan.visibility.map(visibilityJson),
    hidden_after: plan.hiddenAfter,
    listing_by_source: plan.bySource,
    blocked: plan.blocked.map((b) => ({ ...moveJson(b), why: b.why })),
    core: [
      ...plan.selection.fixed.map((e) => ({ name: e.name, tier: e.tier, tokens: e.listingTokens, reason: 'fixed', why: e.stuck ?? null })),
      ...plan.selection.core.map((a) => ({ name: a.name, tier: a.entry.tier === 'user' || a.entry.tier === 'plugin' ? a.entry.tier : 'core', tokens: a.entry.listingTokens, reason: a.reason, why: null })),
    ],
    usage: { available: p.usage.available, error: p.usage.error ?? null, agent_types: p.usage.byAgent.size },
    pending_recovery: p.pendingRecovery,
    warnings: plan.warnings,
    problems: plan.problems.map(problemJson),
  };
}

export function applyJson(o: ApplyOutcome) {
  return {
    ...planJson(o.planned),
    applied: o.applied
      ? {
          moved: o.applied.moved.map(moveJson),
          refused: o.applied.refused.map((r) => ({ ...moveJson(r), why: r.why })),
          manifest_created: o.applied.manifestCreated,
          visibility: o.applied.visibility.map(visibilityJson),
          settings_refused: o.applied.settingsRefused ?? null,
        }
      : null,
    skipped: o.skipped ?? null,
    recovered: recoveryJson(o.recovered),
  };
}

export function restoreJson(o: RestoreOutcome) {
  const r = o.result;
  return {
    never_applied: r.neverApplied,
    extended_existed: r.extendedExisted,
    restored: r.restored,
    already_in_place: r.alreadyInPlace,
    missing: r.missing,
    refused: r.refused,
    settings: { action: o.settings.action, why: o.settings.why ?? null },
    recovered: recoveryJson(o.recovered),
  };
}

// The JSON is snake_case like every other command's; the curator's own types stay camelCase.
const budgetJson = (b: Budget) => ({ max_agents: b.maxAgents, max_tokens: b.maxTokens, agents: b.agents, tokens: b.tokens });
const recoveryJson = (r: RecoveryReport | undefined) =>
  r ? { kind: r.kind ?? null, started_at: r.startedAt ?? null, rolled_back: r.rolledBack, not_started: r.notStarted, conflicts: r.conflicts, corrupt: r.corrupt ?? null } : null;

const visibilityJson = (v: VisibilityChange) => ({ name: v.name, source: v.source, plugin: v.plugin ?? null, direction: v.direction, tokens: v.tokens, reason: v.reason, score: v.score });
const moveJson = (m: Move) => ({ name: m.name, from: m.from, to: m.to, direction: m.direction, tokens: m.tokens, reason: m.reason, score: m.score });
const problemJson = (p: CatalogProblem) => ({ kind: p.kind, severity: p.severity, tier: p.tier, file: p.file, name: p.name ?? null, message: p.message, hint: p.hint ?? null });

const n = (value: number) => value.toLocaleString('en-US');

export function formatPlan(p: ProjectPlan, c: Colors): string {
  const { plan } = p;
  const lines: string[] = [];
  if (plan.moves.length === 0 && plan.visibility.length === 0) lines.push('The layout already follows the plan: nothing to move.');
  else lines.push(...moveTable([...plan.moves, ...plan.visibility], c));
  lines.push('', summary(plan.before, plan.after, plan.builtinTokens, c), sourceLine(plan.bySource.before, plan.bySource.after));
  return lines.join('\n');
}

export function formatApply(o: ApplyOutcome, c: Colors): string {
  const lines: string[] = [];
  if (o.recovered) lines.push(formatRecovery(o.recovered), '');
  if (o.skipped) return [...lines, `Nothing moved: ${o.skipped}.`].join('\n');
  const moved = o.applied?.moved ?? [];
  const shown = o.applied?.visibility ?? [];
  lines.push(moved.length + shown.length === 0 ? 'Nothing to move: the layout already follows the plan.' : `Moved, hid or showed ${plural(moved.length + shown.length, 'agent')}:`);
  if (moved.length + shown.length > 0) lines.push(...moveTable([...moved, ...shown], c));
  if (o.applied?.settingsRefused) lines.push(c.yellow(`  user and plugin agents not hidden: ${o.applied.settingsRefused}`));
  for (const r of o.applied?.refused ?? []) lines.push(c.red(`  not moved: ${r.name} (${r.from} -> ${r.to}): ${r.why}`));
  const { plan } = o.planned;
  const refused = new Set((o.applied?.refused ?? []).map((r) => r.from));
  const after = refused.size === 0 ? plan.after : undefined;
  lines.push('', after ? summary(plan.before, after, plan.builtinTokens, c) : 'Some moves were refused; run "agent-warden core plan" to see the listing now.');
  if (o.applied?.manifestCreated) lines.push(c.dim('The original layout was recorded; "agent-warden core restore" puts every file back.'));
  return lines.join('\n');
}

export function formatRestore(o: RestoreOutcome, c: Colors): string {
  const { result } = o;
  const lines: string[] = [];
  if (o.recovered) lines.push(formatRecovery(o.recovered), '');
  if (result.neverApplied) return [...lines, 'Nothing to restore: the curator has not moved any agent in this project.'].join('\n');
  lines.push(`Restored ${plural(result.restored.length, 'file')} to their original place (${result.alreadyInPlace} already there).`);
  const settingsText: Record<string, string> = {
    restored: '.claude/settings.local.json is back as it was.',
    removed: '.claude/settings.local.json removed (it did not exist before).',
    'rules-removed': `.claude/settings.local.json: ${o.settings.why}.`,
    refused: `.claude/settings.local.json left as is: ${o.settings.why}.`,
  };
  if (settingsText[o.settings.action]) lines.push(o.settings.action === 'refused' ? c.red(settingsText[o.settings.action]!) : settingsText[o.settings.action]!);
  for (const path of result.missing) lines.push(c.yellow(`  missing: ${path} (deleted since it was recorded?)`));
  for (const r of result.refused) lines.push(c.red(`  not restored: ${r.from} -> ${r.to}: ${r.why}`));
  return lines.join('\n');
}

/** Problems and warnings, for stderr. */
export function formatNotes(p: ProjectPlan, c: Colors, opts: { verbose?: boolean } = {}): string {
  const lines = p.plan.warnings.map((w) => c.yellow(`warning: ${w}`));
  const shown = opts.verbose ? p.plan.problems : p.plan.problems.filter((pr) => pr.severity !== 'info');
  for (const problem of shown) {
    const label = problem.severity === 'error' ? c.red('error') : problem.severity === 'warning' ? c.yellow('warning') : c.dim('note');
    lines.push(`${label}: ${shortPath(p.plan.project, problem.file)}: ${problem.message}`);
    if (problem.hint) lines.push(c.dim(`  fix: ${problem.hint}`));
  }
  return lines.join('\n');
}

function formatRecovery(r: RecoveryReport): string {
  if (r.corrupt) return `An interrupted apply left an unreadable journal: ${r.corrupt}`;
  const lines = [`Rolled back an interrupted ${r.kind ?? 'apply'}: ${plural(r.rolledBack, 'move')} undone.`];
  for (const conflict of r.conflicts) lines.push(`  left as found: ${conflict}`);
  return lines.join('\n');
}

function shortPath(project: string, file: string): string {
  const rel = relative(project, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

const reasonText: Record<Move['reason'], string> = { pinned: 'pinned', grace: 'new (grace period)', used: 'used', unused: 'unused' };

const arrow: Record<(Move | VisibilityChange)['direction'], string> = { demote: '-> extended', promote: '-> core', hide: 'hide', show: 'show' };

function moveTable(moves: ReadonlyArray<Move | VisibilityChange>, c: Colors): string[] {
  const up = (m: Move | VisibilityChange) => m.direction === 'promote' || m.direction === 'show';
  const why = (m: Move | VisibilityChange) => (m.reason !== 'used' ? reasonText[m.reason] : up(m) ? `used (score ${m.score})` : `over budget (score ${m.score})`);
  const rows = moves.map((m) => [m.name, arrow[m.direction], n(m.tokens), why(m)]);
  const header = ['agent', 'move', 'tokens', 'why'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (cells: string[]) => cells.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [c.dim(pad(header)), ...rows.map((r) => pad(r))];
}

function sourceLine(before: ListingBySource, after: ListingBySource): string {
  const part = (label: string, b: number, a: number) => (a === b ? `${label} ${n(b)}` : `${label} ${n(b)} -> ${n(a)}`);
  return `By source (tokens): ${part('built-in', before.builtin, after.builtin)}, ${part('user', before.user, after.user)}, ${part('plugin', before.plugin, after.plugin)}, ${part('project', before.project, after.project)}.`;
}

function summary(before: { agents: number; tokens: number }, after: { agents: number; tokens: number }, builtin: number, c: Colors): string {
  const saved = before.tokens - after.tokens;
  const change = saved > 0 ? c.green(`saves ${n(saved)} tokens per request`) : saved < 0 ? c.yellow(`costs ${n(-saved)} more tokens per request`) : 'no change';
  return (
    `Listing: ${plural(before.agents, 'agent')}, ${n(before.tokens)} tokens -> ${plural(after.agents, 'agent')}, ${n(after.tokens)} tokens (${change}; ` +
    `Claude Code's own agents add about ${n(builtin)}).`
  );
}
