// Token counts. `countTokens` is exact cl100k_base (what our listing measurements use); building its
// encoder costs ~300 ms, so it happens on first use, once per process, and never in a hook's hot path
// (a hook start has no room for it). `estimateTokens` is the free chars/4 stand-in.
import type { Tiktoken } from 'js-tiktoken/lite';

let encoder: Tiktoken | undefined;

function cl100k(): Tiktoken {
  if (!encoder) {
    // require() rather than import: loading the 1 MB rank table is part of the cost we defer.
    const { Tiktoken: Encoder } = require('js-tiktoken/lite') as typeof import('js-tiktoken/lite');
    type Ranks = typeof import('js-tiktoken/ranks/cl100k_base').default;
    // The CJS rank file is `module.exports = {...}` although its typings declare a default export.
    const ranks = require('js-tiktoken/ranks/cl100k_base') as Ranks & { default?: Ranks };
    encoder = new Encoder(ranks.default ?? ranks);
  }
  return encoder;
}

export function countTokens(text: string): number {
  if (text === '') return 0;
  // No special tokens: text that happens to spell `<|endoftext|>` is ordinary text to us.
  return cl100k().encode(text, [], []).length;
}

export { estimateTokens } from './estimate';

export function tokenizerLoaded(): boolean {
  return encoder !== undefined;
}
