// The catalog over real published agent collections (copied into temporary projects), checked
// against what Claude Code 2.1.328 actually lists for them.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Catalog, buildCatalog } from '../../src/core/curator/catalog';
import { parseFrontmatter, quoteRiskyValues } from '../../src/core/curator/frontmatter';
import { BUILTIN_LISTING_TOKENS, listingLine, parseToolList, renderTools } from '../../src/core/curator/listing';
import { listingCost } from '../../src/core/curator/plan';
import { CORPORA } from '../support/fixtures';

const temps: string[] = [];

function tempProject(): string {
  const project = mkdtempSync(join(tmpdir(), 'curator-catalog-'));
  temps.push(project);
  mkdirSync(join(project, '.claude', 'agents'), { recursive: true });
  return project;
}

/** Copies a collection's agent files (not its LICENSE/SOURCE notes) into `dest`. */
function copyCorpus(name: string, dest: string): void {
  cpSync(join(CORPORA, name), dest, { recursive: true, filter: (src) => !/(LICENSE|SOURCE)\.txt$/.test(src) });
}

const catalogOf = (project: string, userDir?: string): Catalog => buildCatalog(project, { tokenCacheFile: false, userDir });
const kinds = (c: Catalog) => c.problems.map((p) => p.kind);

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('catalog over real collections', () => {
  it('0xfurai: 137 files, 136 listed; the indented-frontmatter file is reported, not listed, never moved', () => {
    const project = tempProject();
    copyCorpus('0xfurai__claude-code-subagents', join(project, '.claude', 'agents'));
    const catalog = catalogOf(project);
    expect(catalog.entries).toHaveLength(137);
    expect(catalog.entries.filter((e) => e.listable)).toHaveLength(136);
    const sqs = catalog.entries.find((e) => e.relPath === 'sqs-expert.md')!;
    expect(sqs).toMatchObject({ name: 'sqs-expert', listable: false, movable: false, listingTokens: 0 });
    expect(catalog.problems).toEqual([expect.objectContaining({ kind: 'no-frontmatter', file: sqs.file })]);
    expect(catalog.entries.find((e) => e.name === 'actix-expert')).toMatchObject({
      tier: 'core',
      projectPath: '.claude/agents/actix-expert.md',
      model: 'claude-sonnet-4-20250514',
      tools: undefined,
      listingLine: '- actix-expert: Expert in Actix for building high-performance web applications with Rust (Tools: All tools)',
    });
    // The real client's listing for this folder measured 5,365 tokens: 310 of its own + these lines.
    expect(listingCost(catalog.entries).tokens + BUILTIN_LISTING_TOKENS).toBe(5365);
  });

  it('VoltAgent@6a82f08: the example-laden descriptions cost what the client measured (75,131 with built-ins)', () => {
    const project = tempProject();
    copyCorpus('VoltAgent__awesome-claude-code-subagents__6a82f08', join(project, '.claude', 'agents'));
    const catalog = catalogOf(project);
    expect(catalog.entries).toHaveLength(129);
    expect(catalog.problems).toEqual([]);
    expect(listingCost(catalog.entries).tokens + BUILTIN_LISTING_TOKENS).toBe(75131);
    expect(Math.max(...catalog.entries.map((e) => e.description.length))).toBeGreaterThan(5000);
  });

  it('VoltAgent HEAD: the 8 files with invalid YAML are reported and stay put, yet counted as the client lists them', () => {
    const project = tempProject();
    copyCorpus('VoltAgent__awesome-claude-code-subagents', join(project, '.claude', 'agents'));
    const catalog = catalogOf(project);
    expect(catalog.entries).toHaveLength(158);
    const broken = catalog.problems.filter((p) => p.kind === 'yaml-recovered');
    expect(broken.map((p) => p.file.split('/').pop()).sort()).toEqual([
      '04-quality-security__gdpr-ccpa-compliance.md',
      '07-specialized-domains__hipaa-compliance.md',
      '08-business-product__assumption-mapping.md',
      '08-business-product__backlog-grooming.md',
      '08-business-product__growth-loops.md',
      '10-research-analysis__ab-test-analysis.md',
      '10-research-analysis__cohort-analysis.md',
      '10-research-analysis__first-principles-thinking.md',
    ]);
    for (const problem of broken) {
      const entry = catalog.entries.find((e) => e.file === problem.file)!;
      expect(entry).toMatchObject({ frontmatter: 'recovered', listable: true, movable: false });
      expect(entry.description).toContain("Triggers on: '");
    }
    expect(catalog.entries.filter((e) => e.movable)).toHaveLength(150);
    expect(catalog.entries.find((e) => e.name === 'powershell-5.1-expert')?.listable).toBe(true);
  });

  it('davepoon: keeps the non-standard category; lst97: names differ from file names', () => {
    const project = tempProject();
    copyCorpus('davepoon__claude-code-subagents-collection', join(project, '.claude', 'agents'));
    copyCorpus('lst97__claude-code-sub-agents', join(project, '.claude', 'agents', 'lst97'));
    const catalog = catalogOf(project);
    const research = catalog.entries.find((e) => e.name === 'academic-research-synthesizer')!;
    expect(research).toMatchObject({ category: 'specialized-domains', tools: undefined, model: undefined });
    const pm = catalog.entries.find((e) => e.relPath === 'lst97/business__product-manager.md')!;
    expect(pm).toMatchObject({ name: 'product-manager', projectPath: '.claude/agents/lst97/business__product-manager.md', movable: true });
  });

  it('duplicate names across collections: every copy reported and left in place, one listing slot each', () => {
    const project = tempProject();
    copyCorpus('0xfurai__claude-code-subagents', join(project, '.claude', 'agents'));
    copyCorpus('davepoon__claude-code-subagents-collection', join(project, '.claude', 'agents', 'davepoon'));
    const catalog = catalogOf(project);
    const dupes = catalog.problems.filter((p) => p.kind === 'duplicate-name');
    expect(new Set(dupes.map((p) => p.name))).toEqual(new Set(['python-expert', 'rails-expert', 'ruby-expert', 'rust-expert', 'sql-expert', 'typescript-expert']));
    expect(dupes).toHaveLength(12);
    for (const p of dupes) expect(catalog.entries.find((e) => e.file === p.file)?.movable).toBe(false);
    const listedRust = catalog.entries.filter((e) => e.name === 'rust-expert' && !e.shadowed);
    expect(listedRust).toHaveLength(1);
    expect(listingCost(catalog.entries).agents).toBe(136 + 117 - 6);
  });
});

describe('catalog edge cases', () => {
  it('a symlink out of the agent folders is read (the client follows it) but reported and never moved', () => {
    const project = tempProject();
    const outside = mkdtempSync(join(tmpdir(), 'curator-outside-'));
    temps.push(outside);
    writeFileSync(join(outside, 'linked.md'), '---\nname: linked\ndescription: Linked agent\n---\nbody\n');
    symlinkSync(join(outside, 'linked.md'), join(project, '.claude', 'agents', 'linked.md'));
    const catalog = catalogOf(project);
    expect(catalog.entries[0]).toMatchObject({ name: 'linked', listable: true, movable: false, stuck: 'it is a symlink' });
    expect(kinds(catalog)).toEqual(['symlink-outside']);
  });

  it('reports what the client would skip: no name, no description, a name with ":"', () => {
    const project = tempProject();
    const dir = join(project, '.claude', 'agents');
    writeFileSync(join(dir, 'nameless.md'), '---\ndescription: no name\n---\n');
    writeFileSync(join(dir, 'silent.md'), '---\nname: silent\n---\n');
    writeFileSync(join(dir, 'colon.md'), '---\nname: "a:b"\ndescription: x\n---\n');
    writeFileSync(join(dir, 'typed.md'), '---\nname: typed\ndescription: ok\nmodel: 4\n---\n');
    const catalog = catalogOf(project);
    expect(catalog.entries.find((e) => e.relPath === 'nameless.md')).toMatchObject({ name: 'nameless', listable: false, movable: false });
    expect(kinds(catalog).sort()).toEqual(['invalid-field', 'invalid-name', 'missing-description', 'missing-name']);
    expect(catalog.entries.find((e) => e.name === 'typed')).toMatchObject({ listable: true, movable: true, model: undefined });
  });

  it('includes the user folder read-only (hideable, never moved); a project agent of the same name hides it', () => {
    const project = tempProject();
    const home = mkdtempSync(join(tmpdir(), 'curator-home-'));
    temps.push(home);
    const userDir = join(home, '.claude', 'agents');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, 'mine.md'), '---\nname: mine\ndescription: user agent\n---\n');
    writeFileSync(join(userDir, 'both.md'), '---\nname: both\ndescription: user copy\n---\n');
    writeFileSync(join(project, '.claude', 'agents', 'both.md'), '---\nname: both\ndescription: project copy\n---\n');
    const catalog = catalogOf(project, userDir);
    expect(catalog.entries.find((e) => e.name === 'mine')).toMatchObject({ tier: 'user', movable: true, projectPath: undefined });
    expect(catalog.entries.find((e) => e.name === 'mine')?.hidden).toBeFalsy();
    expect(catalog.entries.find((e) => e.name === 'both' && e.tier === 'user')?.shadowed).toBe(true);
    expect(catalog.entries.find((e) => e.name === 'both' && e.tier === 'core')).toMatchObject({ shadowed: false, movable: false });
    expect(listingCost(catalog.entries).agents).toBe(2);
  });
});

describe('frontmatter and listing lines, as the client reads and renders them', () => {
  it('never evaluates a ---js block (gray-matter would) and treats it as no frontmatter', () => {
    const parsed = parseFrontmatter('---js\n{ name: (globalThis.pwned = "yes") }\n---\nbody');
    expect(parsed.status).toBe('absent');
    expect((globalThis as { pwned?: string }).pwned).toBeUndefined();
  });

  it('quotes unquoted values holding ": " the way the client retries', () => {
    expect(quoteRiskyValues("description: Use it. Triggers on: 'x'\nname: a")).toBe(`description: "Use it. Triggers on: 'x'"\nname: a`);
    expect(quoteRiskyValues('tools: [Read, Grep]')).toBe('tools: [Read, Grep]');
    expect(parseFrontmatter('---\nname: a\ndescription: x: y\n---\nbody\n')).toMatchObject({ status: 'recovered', data: { description: 'x: y' }, body: 'body\n' });
    expect(parseFrontmatter('---\nname: "unterminated\n---\n').status).toBe('invalid');
    expect(parseFrontmatter('\uFEFF---\nname: a\n---\n').data).toEqual({ name: 'a' });
  });

  it('renders tools like the client: comma or space separated, parentheses kept, * means all', () => {
    expect(parseToolList('Read, Grep Glob')).toEqual(['Read', 'Grep', 'Glob']);
    expect(parseToolList(['Read', 'Bash(git diff:*)'])).toEqual(['Read', 'Bash(git diff:*)']);
    expect(parseToolList('Bash(git log, git diff), Read')).toEqual(['Bash(git log, git diff)', 'Read']);
    expect(parseToolList('*')).toBeUndefined();
    expect(renderTools(undefined, ['Write'])).toBe('All tools except Write');
    expect(renderTools(['Read', 'Write'], ['Write'])).toBe('Read');
    expect(renderTools(['Write'], ['Write'])).toBe('None');
    expect(renderTools([], undefined)).toBe('All tools');
    expect(listingLine('r', 'line one\\nline two', ['Read'])).toBe('- r: line one\nline two (Tools: Read)');
  });
});
