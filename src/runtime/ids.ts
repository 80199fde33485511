// Ids and hashes for the hot path without node:crypto, whose first load costs ~3.5 ms in every
// hook process. Neither is a security boundary: uids only need to be unique on this machine, and
// call keys only need to tell calls apart.

let counter = 0;

/** Unique per machine: time, process, a per-process counter and randomness. */
export function newUid(): string {
  counter = (counter + 1) % 0x7fffffff;
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** 64-bit FNV-1a (two 32-bit lanes with different offsets), as 16 hex digits. */
export function fastHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 7);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
