// The spool and inbox are looked at on every event (issue 20): a folder seen empty is not listed
// again while its stat is unchanged, but only once its mtime has settled, so an entry made within
// the same clock tick as the last listing is never skipped.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitingNames } from '../../src/runtime/waiting-files';
import { makeTempDir, type TempDir } from '../support/sandbox';

let dir: TempDir;
afterEach(() => dir.cleanup());
const json = (n: string) => n.endsWith('.json');

describe('waitingNames', () => {
  it('lists what is wanted, and nothing for a missing folder', () => {
    dir = makeTempDir('waiting');
    expect(waitingNames(path.join(dir.path, 'none'), json)).toEqual([]);
    fs.writeFileSync(path.join(dir.path, 'a.json'), '{}');
    fs.writeFileSync(path.join(dir.path, 'b.bad'), '{}');
    expect(waitingNames(dir.path, json)).toEqual(['a.json']);
  });

  it('sees a file added under an unchanged mtime while the folder has not settled', () => {
    dir = makeTempDir('waiting');
    const recent = new Date(Date.now() - 100);
    fs.utimesSync(dir.path, recent, recent);
    expect(waitingNames(dir.path, json)).toEqual([]);
    // Same mtime as at the listing (a coarse clock): still found, because the folder was too fresh to trust.
    fs.writeFileSync(path.join(dir.path, 'late.json'), '{}');
    fs.utimesSync(dir.path, recent, recent);
    expect(waitingNames(dir.path, json)).toEqual(['late.json']);
  });

  it('sees a file added to a settled empty folder (its mtime moves)', () => {
    dir = makeTempDir('waiting');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(dir.path, old, old);
    expect(waitingNames(dir.path, json)).toEqual([]);
    expect(waitingNames(dir.path, json)).toEqual([]);
    fs.writeFileSync(path.join(dir.path, 'new.json'), '{}');
    expect(waitingNames(dir.path, json)).toEqual(['new.json']);
  });
});
