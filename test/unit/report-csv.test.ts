/**
 * CSV a spreadsheet opens as is: header row, CRLF, RFC 4180 quoting. Parsed back with an
 * independent RFC 4180 reader, fields holding commas, quotes and line breaks survive intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/report/csv';
import { queryUsageRows } from '../../src/report/usage-query';
import { buildUsageReport } from '../../src/report/usage-report';
import { usageCsv } from '../../src/report/usage-render';
import { addDispatch, seededLedger, type SeededLedger } from '../support/report-seed';

/** RFC 4180 section 2, read character by character. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}: not RFC 4180`);
    else field += c;
  }
  if (field || row.length) throw new Error('last record not terminated by CRLF');
  return rows;
}

let ledger: SeededLedger | undefined;
afterEach(() => ledger?.cleanup());

describe('CSV', () => {
  it('quotes only fields that need it, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('round-trips a usage report whose keys hold commas, quotes and line breaks', () => {
    ledger = seededLedger();
    const nasty = 'team,"review"\nbot';
    addDispatch(ledger.db, { session: 's1', toolUseId: 't1', agentType: nasty, startedAt: 1, durationMs: 10, run: { input: 1, output: 2, cacheWrite: 3, cacheRead: 4, costUsd: 0.5 } });
    addDispatch(ledger.db, { session: 's1', toolUseId: 't2', agentType: 'plain', startedAt: 2, durationMs: 20, reportedTotal: 99 });
    const { groups, total } = queryUsageRows(ledger.db, {}, 'agent');
    const report = buildUsageReport({ scope: {}, by: 'agent', groups, total, pricingDate: '2025-11-24', generatedAt: 0 });

    const rows = parseCsv(usageCsv(report));
    const [header, ...body] = rows;
    expect(header).toContain('total_tokens_transcript');
    expect(header).toContain('total_tokens_reported');
    expect(body.every((r) => r.length === header!.length)).toBe(true);
    const record = (r: string[]) => Object.fromEntries(header!.map((h, i) => [h, r[i]]));
    expect(body.map(record)).toEqual([
      expect.objectContaining({ group_by: 'agent', key: 'plain', total_tokens_transcript: '0', total_tokens_reported: '99' }),
      expect.objectContaining({ key: nasty, dispatches: '1', total_tokens_transcript: '10', total_tokens_reported: '', cost_usd: '0.5', pricing_date: '2025-11-24' }),
      expect.objectContaining({ group_by: 'total', key: 'total', dispatches: '2', p50_duration_ms: '15' }),
    ]);
  });
});
