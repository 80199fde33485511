/**
 * Typos in a task are corrected against the words the collection itself uses (src/core/discovery/spelling.ts),
 * before synonyms and stemming; words the collection or the synonym table knows are taken as written.
 */
import { describe, expect, it } from 'vitest';
import { AgentIndex, rankDocs } from '../../src/core/discovery/rank';
import { Vocabulary } from '../../src/core/discovery/spelling';

const docs = [
  { name: 'kubernetes-specialist', description: 'Kubernetes clusters, deployments and ingress.', body: '' },
  { name: 'accessibility-tester', description: 'Accessibility testing against WCAG, screen readers.', body: '' },
  { name: 'terraform-engineer', description: 'Terraform modules and state management.', body: '' },
  { name: 'rust-engineer', description: 'Rust ownership, lifetimes and the borrow checker.', body: '' },
  { name: 'postgres-pro', description: 'PostgreSQL tuning, replication and connection pooling.', body: '' },
];

describe('spelling', () => {
  it('finds the agent a mistyped task means', () => {
    expect(rankDocs(docs, 'kuberntes ingress returns 404', 1)[0]?.doc.name).toBe('kubernetes-specialist');
    expect(rankDocs(docs, 'acessibility issues in our forms', 1)[0]?.doc.name).toBe('accessibility-tester');
    expect(rankDocs(docs, 'terrafrom state is locked', 1)[0]?.doc.name).toBe('terraform-engineer');
    expect(rankDocs(docs, 'fighting the borow checker', 1)[0]?.doc.name).toBe('rust-engineer');
  });

  it('corrects only words the collection and the synonym table do not know', () => {
    const index = new AgentIndex(docs);
    expect(index.correctSpelling('kuberntes ingress')).toBe('kubernetes ingress');
    // Known words stay, even when a known word is one edit away ("testing" / "nesting" style).
    expect(index.correctSpelling('tuning postgresql replication')).toBe('tuning postgresql replication');
    // A table key stays: "k8s" is not a typo of anything.
    expect(index.correctSpelling('k8s ingress')).toBe('k8s ingress');
    // A form of a word the collection uses is not a typo: "tuned" stems to "tune", which "tuning" gave the index.
    expect(index.correctSpelling('tuned postgresql')).toBe('tuned postgresql');
    // Short words and numbers are never corrected.
    expect(index.correctSpelling('the rst 4040 thing')).toBe('the rst 4040 thing');
  });

  it('picks the nearest word, the more frequent of equally near ones, and keeps the first letter', () => {
    const v = new Vocabulary();
    for (const w of ['clusters', 'cluster', 'cluster', 'blusters', 'checker']) v.add(w);
    v.prepare();
    expect(v.nearest('clsuter')).toBe('cluster');
    expect(v.nearest('clusterz')).toBe('cluster');
    // Near only words with another first letter ("clusters", "blusters"): left alone.
    expect(v.nearest('plusters')).toBeUndefined();
    expect(v.nearest('cheker')).toBe('checker');
    expect(v.nearest('cluster')).toBeUndefined();
    expect(v.nearest('zzzzzzzz')).toBeUndefined();
  });
});
