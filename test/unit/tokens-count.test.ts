// Exact cl100k counts, a lazily built encoder, and the free chars/4 estimate. (Totals are checked
// against the real client's measured listings in curator-catalog.test.ts.)
import { describe, expect, it } from 'vitest';
import { countTokens, estimateTokens, tokenizerLoaded } from '../../src/runtime/tokens/count';

describe('token counts', () => {
  it('builds the encoder on first use only', () => {
    expect(estimateTokens('abcdefghi')).toBe(3);
    expect(countTokens('')).toBe(0);
    expect(tokenizerLoaded()).toBe(false);
    expect(countTokens('hello world')).toBe(2);
    expect(tokenizerLoaded()).toBe(true);
  });

  it('treats special-token text as ordinary text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
    expect(countTokens('Résumé 東京 🚀')).toBeGreaterThan(3);
  });

  it('estimates ceil(length / 4)', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
  });
});
