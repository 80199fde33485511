export declare function sleepSync(ms: number): void;
