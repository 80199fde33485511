// A session report as Markdown: readable in a terminal and in a model's prompt alike.
import { fmtInt, fmtMs, fmtUsd } from './format';
import type { SessionReport } from './session-report';

const EXCERPT = 600;

export function sessionMarkdown(r: SessionReport): string {
  const out = [
    `## Session ${r.session_id}`,
    '',
    `project: ${r.project ?? 'unknown'} · started: ${r.started_at ?? '?'} · ended: ${r.ended_at ?? 'still open'}${r.end_reason ? ` (${r.end_reason})` : ''}`,
    '',
    `Main thread: ${fmtInt(r.main_thread.messages)} messages, ${fmtInt(r.main_thread.tokens.total)} tokens, ${fmtUsd(r.main_thread.cost_usd)}${r.main_thread.unpriced_tokens ? ' at least' : ''}.`,
    `Subagents: ${r.subagents.dispatches} dispatches, ${fmtInt(r.subagents.tokens.total)} tokens, ${fmtUsd(r.subagents.cost_usd)}${r.subagents.unpriced ? ' at least' : ''}.`,
  ];
  r.dispatches.forEach((d, i) => {
    out.push('', `### ${i + 1}. ${d.agent_type ?? 'unknown'} — ${d.description ?? '(no description)'} [${d.status}]`, '');
    out.push(`- id ${d.id} · started ${d.started_at ?? '?'} · ${fmtMs(d.duration_ms) || 'no duration'}${d.background ? ' · background' : ''}${d.model ? ` · ${d.model}` : ''}`);
    out.push(`- tokens (transcripts): ${fmtInt(d.tokens.total)} (input ${fmtInt(d.tokens.input)}, output ${fmtInt(d.tokens.output)}, cache write ${fmtInt(d.tokens.cache_write)}, cache read ${fmtInt(d.tokens.cache_read)}) · reported: ${d.reported_total_tokens === null ? 'n/a' : fmtInt(d.reported_total_tokens)} · cost ${d.status === 'denied' ? 'none' : fmtUsd(d.cost_usd)}`);
    if (d.context_files.length) out.push(`- context: ${d.context_files.map((f) => `${f.path} (~${fmtInt(f.tokens)} tok)`).join(', ')}`);
    out.push('- prompt:', quote(d.prompt));
    if (d.error) out.push(`- error: ${oneLine(d.error)}`);
    if (d.final_message) out.push('- came back:', quote(d.final_message));
    if (d.files_written.length) out.push(`- files written: ${d.files_written.join(', ')}`);
  });
  out.push('', `Prices: Claude Code's own figures where the session has them, else the price table of ${r.pricing_date}, learned rates or estimates (\`agent-warden pricing\` shows which). Tokens are transcript sums; "reported" is what Claude Code returned to the main thread.`);
  return out.join('\n') + '\n';
}

function quote(text: string | null): string {
  const t = (text ?? '').trim();
  const cut = t.length > EXCERPT ? `${t.slice(0, EXCERPT)}… (${fmtInt(t.length)} chars)` : t;
  return cut.split('\n').map((l) => `  > ${l}`).join('\n');
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
