/**
 * The technology fingerprints (src/core/discovery/technologies.json): the jargon people write when they
 * work with a technology (its APIs, error messages, config keys, commands, files and concepts) brings
 * the technology's name into the query, so a task worded in a stack's jargon reaches the agent whose
 * description names the technology.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import technologies from '../../src/core/discovery/technologies.json';
import table from '../../src/core/discovery/synonyms.json';
import { AgentIndex, rankDocs } from '../../src/core/discovery/rank';
import { phraseWords, queryTerms, synonymMatches, tableWord, TECHNOLOGY_WEIGHT, terms, words } from '../../src/core/discovery/text';
import { readSet, setNames, unseenKeyLeaks } from '../../bench/recall/sets';
import { CORPORA } from '../support/fixtures';

const RECALL = path.resolve(__dirname, '../../bench/recall');
const adds = (query: string) => synonymMatches(query).flatMap((m) => m.adds);
const stemOf = (word: string) => terms(word)[0]!;
const techs = technologies.technologies;

describe('technology fingerprints', () => {
  it.each([
    // An API or type of the technology.
    ['one GenServer is backed up under load', 'elixir'],
    ['the useLoaderData call returns stale data', 'remix'],
    ['a Cargo workspace where clippy complains about every crate', 'rust'],
    // An error message.
    ["the app throws 'database is locked' when two threads write", 'sqlite'],
    ['ExpressionChangedAfterItHasBeenCheckedError in the header component', 'angular'],
    ['LazyInitializationException when the controller reads the orders', 'spring'],
    // A config key.
    ['acks_late is on and jobs still get lost', 'celery'],
    ['raised the visibility timeout and messages still come back', 'sqs'],
    ['what should min.insync.replicas be for three brokers', 'kafka'],
    // A command or a file.
    ['tf plan wants to replace the instance', 'terraform'],
    ['pod install fails after adding a Podfile entry', 'ios'],
    ['the build ignores gradle.properties', 'gradle'],
    // A concept.
    ['reads time out with too many tombstones', 'cassandra'],
    ['our api accepts tokens with alg none', 'jwt'],
    ['the retrieved chunks have nothing to do with the question', 'retrieval'],
    // A type or switch only one framework has (round 7: "autocast + GradScaler" is PyTorch's mixed precision).
    ['the loss goes nan once autocast and GradScaler are on', 'pytorch'],
  ])('"%s" adds "%s"', (typed, meant) => {
    expect(adds(typed)).toContain(meant);
  });

  it('reads a role by its words where they are general: renewals are customer success, churned teams retention', () => {
    expect(adds('the next renewal wave')).toContain('customer');
    expect(adds('why users churned after the trial')).toContain('retention');
    expect(adds('a heisenbug in the importer')).toContain('debugging');
  });

  it('lets a phrase decide the sense of a word: compaction in cassandra, log compaction in kafka; mailbox alone is nothing', () => {
    expect(adds('compaction is falling behind')).toContain('cassandra');
    expect(adds('log compaction deleted our keys')).toContain('kafka');
    expect(adds('log compaction deleted our keys')).not.toContain('cassandra');
    expect(adds('move the shared mailbox')).toContain('m365');
    expect(adds('my mailbox is full')).toEqual([]);
  });

  it('takes no meaning away from the synonym table: "dbt models" adds dbt and keeps what "dbt" means there', () => {
    expect(adds('dbt models are a mess')).toEqual(expect.arrayContaining(['dbt', 'warehouse', 'etl']));
    // A synonym phrase still decides over a technology word inside it: "sql injection" is no SQL task.
    expect(adds('an sql injection in the search box')).not.toContain('database');
  });

  it('weighs the technology like the user\'s own word, and the words of a jargon phrase little', () => {
    const weights = queryTerms("'database is locked' on every write");
    expect(weights.get(stemOf('sqlite'))).toBe(TECHNOLOGY_WEIGHT);
    expect(weights.get(stemOf('locked'))).toBeLessThan(0.5);
  });

  it('ranks the agent whose description names the technology the jargon belongs to', () => {
    const docs = [
      { name: 'elixir-expert', description: 'Elixir and OTP applications, Phoenix and concurrency.', body: '' },
      { name: 'sqlite-expert', description: 'SQLite databases embedded in apps: schema, locking and performance.', body: '' },
      { name: 'cassandra-expert', description: 'Apache Cassandra data modeling and operations.', body: '' },
      { name: 'jwt-expert', description: 'JWT authentication: signing, validation and token lifecycles.', body: '' },
      { name: 'backend-developer', description: 'Builds backend services, APIs and databases under load.', body: '' },
    ];
    expect(rankDocs(docs, 'one GenServer has a huge message queue under load', 1)[0]?.doc.name).toBe('elixir-expert');
    expect(rankDocs(docs, "desktop app says 'database is locked' when two threads write", 1)[0]?.doc.name).toBe('sqlite-expert');
    expect(rankDocs(docs, 'reads slow down, the logs warn about tombstones', 1)[0]?.doc.name).toBe('cassandra-expert');
    expect(rankDocs(docs, 'the api accepts bearer tokens with alg none', 1)[0]?.doc.name).toBe('jwt-expert');
  });

  it('keeps a word of a jargon phrase from being corrected as a typo only where the phrase stands', () => {
    // "asp.net core" is a phrase of the table; "aspdotnet" alone is no key.
    expect(tableWord('aspdotnet')).toBe(false);
    expect(phraseWords('upgrade our asp.net core app')).toContain('aspdotnet');
    // A single-word key is never a typo.
    expect(tableWord('genserver')).toBe(true);
    const index = new AgentIndex([{ name: 'elixir-expert', description: 'Elixir and OTP.', body: '' }]);
    expect(index.correctSpelling('genserver mailbox')).toBe('genserver mailbox');
  });

  it('is well-formed data: lower-case jargon that reduces to words, each key once, none a synonym key', () => {
    const synonymKeys = new Set(Object.keys({ ...table.abbreviations, ...table.related }).map((k) => words(k).join(' ')));
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const tech of techs) {
      expect(words(tech.adds).length, tech.name).toBeGreaterThan(0);
      expect(tech.jargon.length, tech.name).toBeGreaterThan(3);
      for (const key of tech.jargon) {
        expect(key, key).toBe(key.toLowerCase());
        const id = words(key).join(' ');
        expect(id.length, key).toBeGreaterThan(0);
        expect(synonymKeys.has(id), `${key} is a synonyms.json key`).toBe(false);
        if (seen.has(id)) twice.push(`${key} (${seen.get(id)}, ${tech.name})`);
        seen.set(id, tech.name);
      }
    }
    expect(twice).toEqual([]);
    // Broad: hundreds of technologies' worth of jargon, not a list for a few tasks.
    expect(techs.length).toBeGreaterThan(150);
    expect(seen.size).toBeGreaterThan(4000);
  });

  it('adds, for every technology, words some agent file in the collections uses', () => {
    const used = new Set<string>();
    for (const dir of fs.readdirSync(CORPORA)) {
      if (!fs.statSync(path.join(CORPORA, dir)).isDirectory()) continue;
      for (const f of fs.readdirSync(path.join(CORPORA, dir))) if (f.endsWith('.md')) for (const t of terms(fs.readFileSync(path.join(CORPORA, dir, f), 'utf8'))) used.add(t);
    }
    const reachesNothing = techs.filter((t) => !terms(t.adds).some((w) => used.has(w))).map((t) => t.name);
    expect(reachesNothing).toEqual([]);
  });

  it('carries no jargon key taken from an unseen held-out set', () => {
    const keys = techs.flatMap((t) => t.jargon);
    const sets = Object.fromEntries(setNames(RECALL).map((n) => [n, readSet(path.join(RECALL, `${n}.json`))]));
    const blind = (JSON.parse(fs.readFileSync(path.join(RECALL, 'blind-table-keys.json'), 'utf8')) as { keys: string[] }).keys;
    expect(unseenKeyLeaks(keys, sets, blind)).toEqual([]);
  });
});
