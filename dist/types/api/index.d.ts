export { openLedger } from './open';
export type * from './types';
