// The package's public entry (`require('agent-warden')` / `import … from 'agent-warden'`).
export { openLedger } from './open';
export type * from './types';
