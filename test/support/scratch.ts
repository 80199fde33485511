/**
 * Per-test scratch resources for end-to-end tests: temp dirs and mock models that are cleaned up
 * after each test, newest first.
 */
import { afterEach } from 'vitest';
import { startMockModel, type MockModel, type Script } from './mock-model';
import type { TempDir } from './sandbox';

export function scratch() {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    /** Registers the dir for removal and returns its path. */
    temp: (dir: TempDir): string => (cleanups.push(dir.cleanup), dir.path),
    /** A mock model that is closed after the test. */
    mock: async (script: Script): Promise<MockModel> => {
      const model = await startMockModel(script);
      cleanups.push(model.close);
      return model;
    },
    /** Anything else to undo after the test. */
    defer: (cleanup: () => unknown): void => void cleanups.push(cleanup),
  };
}
