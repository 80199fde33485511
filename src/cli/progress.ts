// Progress for long work, on stderr and only for a person at a terminal: scripts and --json get none.
import { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function startProgress(label: string, total: number, unit: 'MB' | 'items'): Progress | undefined {
  if (!process.stderr.isTTY || total <= 0) return undefined;
  const scale = unit === 'MB' ? 1e6 : 1;
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
  );
  bar.start(Number((total / scale).toFixed(1)), 0);
  return {
    update: (done) => bar.update(Number((done / scale).toFixed(1))),
    stop: () => bar.stop(),
  };
}
