export declare class UnsafeFileError extends Error {
    readonly path: string;
    readonly why: string;
    readonly code: 'ENOTREG' | 'ESYMLINK' | 'ETOOBIG';
    constructor(path: string, why: string, code: 'ENOTREG' | 'ESYMLINK' | 'ETOOBIG');
}
export interface OpenOptions {
    /** Refuse a symlink as the last path component (state paths). */
    noFollow?: boolean;
}
/** An fd on a regular file, or a thrown error (ENOENT, ELOOP, UnsafeFileError…); the caller closes it. */
export declare function openRegular(path: string, opts?: OpenOptions): {
    fd: number;
    size: number;
};
/** The whole file as text, refusing special files and files over `maxBytes`. */
export declare function readRegularFile(path: string, opts: OpenOptions & {
    maxBytes: number;
}): string;
/** Appends to a state file without following a symlink planted at its name. */
export declare function appendNoFollow(path: string, text: string, mode?: number): void;
/** Throws when `path` exists and is a symlink: state paths must be real files and folders. */
export declare function refuseSymlink(path: string, what?: string): void;
