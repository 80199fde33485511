// A synchronous pause for retry loops in code that must stay synchronous (better-sqlite3 calls,
// blocking writes to a full pipe): Atomics.wait blocks without spinning the CPU.
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
