/**
 * Reports end to end (issue 8): a real session recorded by the plugin's hooks, then
 * `/agent-warden:usage` run by the real CLI puts the report into the prompt the model receives,
 * with the same numbers as `agent-warden report --json`; the CLI forms (CSV, JSON, empty ledger)
 * as real processes; and `claude plugin validate` still passes with the commands, agent and skill.
 */
import { describe, expect, it } from 'vitest';
import { execClaude, makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { conversation, dispatch, text } from '../support/conversation';
import { isMainThread, messageText, type ModelRequest } from '../support/mock-model';
import { costText } from '../../src/report/usage-render';
import { cliJson, PLUGIN_DIR, REPO, runCli } from '../support/warden';
import { reportSchema } from '../support/report-json-schema';
import { scratch } from '../support/scratch';

const REVIEWER = { name: 'code-reviewer', description: 'Reviews code for bugs. Use after writing code.', tools: 'Read, Grep', body: 'You review code.' };

const { temp, mock } = scratch();

/** Every text the model saw in its user turns, joined. */
const userTexts = (req: ModelRequest) => req.body.messages.filter((m) => m.role === 'user').map(messageText).join('\n');

/** The cells of the Markdown table row whose first cell is `key`. */
function mdRow(markdown: string, key: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${key} |`));
  if (!line) throw new Error(`no row "${key}" in:\n${markdown}`);
  return line.slice(2, -2).split(' | ');
}

const fmt = (n: number) => n.toLocaleString('en-US');

describe('/agent-warden:usage with the real CLI', () => {
  it('puts the report in the model prompt with the numbers of report --json', async () => {
    const home = temp(makeHome());
    const cwd = temp(makeProject({ agents: [REVIEWER] }));
    const wardenHome = temp(makeTempDir('warden'));
    const usage = { input_tokens: 300, output_tokens: 40, cache_creation_input_tokens: 60, cache_read_input_tokens: 2000 };

    // 1. A real session with one dispatch, recorded by the plugin's hooks.
    const work = await mock(
      conversation({ usage })
        .main(dispatch({ subagent_type: 'code-reviewer', prompt: 'REVIEW_8: check src', description: 'Review src' }), text('Reviewed.'))
        .subagent('REVIEW_8', text('REPORT all good'))
        .script(),
    );
    const first = await runClaude({ prompt: 'review it', modelUrl: work.url, home, cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(first.exitCode, first.stderr).toBe(0);
    // The commands set disable-model-invocation: nowhere in what the model is sent; the skill is listed.
    const firstRequest = JSON.stringify(work.modelRequests().find(isMainThread)!.body);
    expect(firstRequest).toContain("- agent-warden:agent-warden:");
    for (const command of ['usage', 'budget', 'agents', 'failures']) expect(firstRequest).not.toContain(`- agent-warden:${command}:`);
    const json = cliJson(['report'], wardenHome, { cwd });
    expect(reportSchema.safeParse(json).error).toBeUndefined();
    expect(json.total).toMatchObject({ dispatches: 1, completed: 1 });
    const reviewer = json.groups.find((g: any) => g.key === 'code-reviewer');
    expect(reviewer.tokens.total).toBeGreaterThan(0);

    // 2. The slash command: its `!` runs the CLI and the output becomes the prompt.
    const ask = await mock(conversation({ usage }).main(text('Here is your usage.')).script());
    const second = await runClaude({ prompt: '/agent-warden:usage', modelUrl: ask.url, home, cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(second.exitCode, second.stderr).toBe(0);
    const prompt = ask.modelRequests().filter(isMainThread).map(userTexts).find((t) => t.includes('agent-warden usage by agent'));
    expect(prompt, 'the report is in the prompt').toBeDefined();
    expect(prompt).toContain(`price table of ${json.pricing_date}`);
    expect(prompt).toContain(`project: ${cwd}`);

    const row = mdRow(prompt!, 'code-reviewer');
    const total = mdRow(prompt!, '**total**');
    // dispatches, ok %, failed, denied, p50, p95, input, output, cache write, cache read, total (transcripts), total (reported), cost
    const expected = (g: any) => [
      String(g.dispatches), '100%', '0', '0', expect.any(String), expect.any(String),
      fmt(g.tokens.input), fmt(g.tokens.output), fmt(g.tokens.cache_write), fmt(g.tokens.cache_read), fmt(g.tokens.total),
      g.reported_total_tokens === null ? '' : fmt(g.reported_total_tokens), costText(g.cost_usd, g.unpriced_tokens),
    ];
    expect(row.slice(1)).toEqual(expected(reviewer));
    expect(total.slice(1)).toEqual(expected(json.total));
    // Transcript sums are whole replies of the scripted usage; every token is priced, none as $0.
    expect(reviewer.tokens.input % usage.input_tokens).toBe(0);
    expect(reviewer.unpriced_tokens).toBe(0);
    expect(reviewer.cost_usd).toBeGreaterThan(0);
    expect(row.at(-1)).toMatch(/^\$\d/);
  });
});

describe('report CLI forms', () => {
  it('exits 0 with a friendly message, and valid empty JSON/CSV, on an empty ledger', () => {
    const wardenHome = temp(makeTempDir('warden-empty'));
    const text = runCli(['report'], wardenHome);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('No usage recorded yet');
    const md = runCli(['report', '--md'], wardenHome);
    expect(md.status).toBe(0);
    expect(cliJson(['report', '--all-projects'], wardenHome).total.dispatches).toBe(0);
    const csv = runCli(['report', '--csv'], wardenHome);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^group_by,key,dispatches,/);
    for (const cmd of [['failures'], ['failures', '--md'], ['optimize']]) expect(runCli(cmd, wardenHome).status, cmd.join(' ')).toBe(0);
    expect(runCli(['replay', '42'], wardenHome).status).toBe(1);
  });
});

describe('claude plugin validate', () => {
  it('passes with the bundled commands, agent and skill', async () => {
    const home = temp(makeHome());
    const run = await execClaude(['plugin', 'validate', REPO], { home, cwd: REPO });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Validation passed');
  });
});
