import { type Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
import { type Subject } from './meter';
import type { BudgetStatusRow, CapStatusRow } from './status-rows';
export type { BudgetStatusRow, CapStatusRow } from './status-rows';
export declare function capStatus(db: Ledger, config: Config, sessionId: string): CapStatusRow[];
export declare function budgetStatus(db: Ledger, config: Config, subject: Subject, now: number): BudgetStatusRow[];
