import type { OpenLedgerOptions, WardenLedger } from './types';
export declare function openLedger(options?: OpenLedgerOptions): WardenLedger;
