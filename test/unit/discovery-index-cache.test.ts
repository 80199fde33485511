/**
 * The resident server keeps one search index per project and rebuilds it when the agent files
 * change: a file added, removed or moved at once; an edit in place within a second.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearProjectIndexes, projectIndex } from '../../src/core/discovery/project-index';
import { makeTempDir, type TempDir } from '../support/sandbox';

let project: TempDir;
const ext = () => path.join(project.path, '.claude', 'agents-extended');
const write = (name: string, description: string) => fs.writeFileSync(path.join(ext(), `${name}.md`), `---\nname: ${name}\ndescription: ${description}\n---\nbody\n`);
const names = (query: string, now: number) => projectIndex(project.path, now).index.rank(query, { limit: 5 }).map((r) => r.doc.name);

beforeAll(() => {
  project = makeTempDir('index-cache');
  fs.mkdirSync(ext(), { recursive: true });
  write('terraform-engineer', 'Writes Terraform modules.');
  clearProjectIndexes();
});
afterAll(() => project.cleanup());

describe('project index cache', () => {
  it('is built once and reused while nothing changes', () => {
    const now = Date.now();
    const first = projectIndex(project.path, now);
    expect(projectIndex(project.path, now + 10)).toBe(first);
    expect(projectIndex(project.path, now + 5000)).toBe(first);
  });

  it('sees an added and a removed agent on the next call', () => {
    const now = Date.now();
    expect(names('kubernetes cluster', now)).toEqual([]);
    write('kubernetes-specialist', 'Runs Kubernetes clusters.');
    expect(names('kubernetes cluster', now + 1)).toEqual(['kubernetes-specialist']);
    fs.rmSync(path.join(ext(), 'kubernetes-specialist.md'));
    expect(names('kubernetes cluster', now + 2)).toEqual([]);
  });

  it('sees an edit in place within a second', () => {
    const now = Date.now();
    projectIndex(project.path, now);
    const file = path.join(ext(), 'terraform-engineer.md');
    fs.writeFileSync(file, '---\nname: terraform-engineer\ndescription: Writes Terraform and Pulumi programs.\n---\nbody\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(names('pulumi', now + 1100)).toEqual(['terraform-engineer']);
  });
});
