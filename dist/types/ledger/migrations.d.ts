export interface Migration {
    version: number;
    why: string;
    sql: string;
}
export declare const migrations: Migration[];
export declare const latestVersion: number;
