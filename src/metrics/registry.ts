// The Prometheus registry: prom-client metrics whose collect() reads the latest ledger snapshot, so
// each scrape shows the ledger as it is (the counters are the ledger's totals, not in-process counts).
import { Counter, Gauge, Registry } from 'prom-client';
import type { MetricsSnapshot } from './snapshot';

export function metricsRegistry(snapshot: () => MetricsSnapshot): Registry {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[], fill: (s: MetricsSnapshot, set: (labels: Record<string, string>, v: number) => void) => void) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(snapshot(), (labels, v) => this.inc(labels, v));
      },
    });
  const gauge = (name: string, help: string, labelNames: string[], fill: (s: MetricsSnapshot, set: (labels: Record<string, string>, v: number) => void) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(snapshot(), (labels, v) => this.set(labels, v));
      },
    });
  counter('agent_warden_dispatches_total', 'Subagent dispatches recorded in the ledger, by agent type and status.', ['agent_type', 'status'], (s, set) => {
    for (const d of s.dispatches) set({ agent_type: d.agent_type, status: d.status }, d.n);
  });
  counter('agent_warden_tokens_total', 'Billed tokens (input, output, cache writes and reads), main thread (agent_type="main") and subagents.', ['agent_type', 'model'], (s, set) => {
    for (const u of s.usage) set({ agent_type: u.agent_type, model: u.model }, u.tokens);
  });
  counter('agent_warden_cost_usd_total', 'Billed USD (rows not yet priced count 0), main thread and subagents.', ['agent_type', 'model'], (s, set) => {
    for (const u of s.usage) set({ agent_type: u.agent_type, model: u.model }, u.cost_usd);
  });
  counter('agent_warden_denials_total', 'Tool calls and dispatches agent-warden denied, by the policy that denied them.', ['policy'], (s, set) => {
    for (const d of s.denials) set({ policy: d.policy }, d.n);
  });
  gauge('agent_warden_open_circuits', 'Circuit breakers open now, by kind.', ['kind'], (s, set) => {
    for (const c of s.openCircuits) set({ kind: c.kind }, c.n);
  });
  gauge('agent_warden_budget_usage_ratio', 'Spent plus reserved over the limit of each budget meter in its current window (1 = exhausted).', ['budget', 'scope', 'unit'], (s, set) => {
    for (const b of s.budgets) set({ budget: b.budget, scope: b.scope, unit: b.unit }, b.ratio);
  });
  return registry;
}
