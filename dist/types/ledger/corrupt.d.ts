export declare function isCorruption(err: unknown): boolean;
/** The file's inode, to make sure we move the file we found damaged and not a fresh one. */
export declare function inodeOf(file: string): number | undefined;
/** Moves the damaged ledger (and its -wal/-shm) aside; undefined when another process did it first. */
export declare function moveAside(file: string, inode: number | undefined, now?: number): string | undefined;
export declare function movedAsideFiles(file: string): string[];
/** Called by openLedger: lets a later SQLITE_CORRUPT move aside the very file this handle opened. */
export declare function noteOpened(db: object, file: string, inode: number | undefined): void;
/**
 * Closes a handle that hit SQLITE_CORRUPT/NOTADB and moves its file aside. Undefined when another
 * process got there first (the file at that path is already a different one) or the handle is unknown.
 */
export declare function moveAsideOpened(db: {
    close(): unknown;
}, now?: number): string | undefined;
/** `PRAGMA quick_check` as one line: 'ok', or the first problems SQLite lists. */
export declare function quickCheck(db: {
    pragma(sql: string): unknown;
}): string;
