// Opening files whose paths we do not control (hook payloads, the ledger, a repository): a FIFO
// would block open(2) or read(2) for good, /dev/zero never ends, a directory or a symlink loop
// fails late. Every such file is opened non-blocking, checked with fstat on the very descriptor we
// read, and read with a byte bound; where a symlink must be refused, O_NOFOLLOW refuses it.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, writeSync } from 'node:fs';

// Not defined on Windows, where FIFOs cannot appear under these paths anyway.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export class UnsafeFileError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
    readonly code: 'ENOTREG' | 'ESYMLINK' | 'ETOOBIG',
  ) {
    super(`${path} ${why}`);
    this.name = 'UnsafeFileError';
  }
}

export interface OpenOptions {
  /** Refuse a symlink as the last path component (state paths). */
  noFollow?: boolean;
}

/** An fd on a regular file, or a thrown error (ENOENT, ELOOP, UnsafeFileError…); the caller closes it. */
export function openRegular(path: string, opts: OpenOptions = {}): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (opts.noFollow ? O_NOFOLLOW : 0));
  } catch (err) {
    if (opts.noFollow && (err as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeFileError(path, 'is a symlink; refusing to follow it', 'ESYMLINK');
    throw err;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnsafeFileError(path, `is not a regular file (${kindOf(stat)})`, 'ENOTREG');
    return { fd, size: stat.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** The whole file as text, refusing special files and files over `maxBytes`. */
export function readRegularFile(path: string, opts: OpenOptions & { maxBytes: number }): string {
  const { fd, size } = openRegular(path, opts);
  try {
    if (size > opts.maxBytes) throw new UnsafeFileError(path, `is larger than ${opts.maxBytes} bytes`, 'ETOOBIG');
    // Read one byte past the size: a file that grew past the bound since fstat is refused too.
    const buf = Buffer.allocUnsafe(Math.min(opts.maxBytes, size) + 1);
    let got = 0;
    for (;;) {
      const want = buf.length - got;
      const n = readSync(fd, buf, got, want, got);
      if (n <= 0) break;
      got += n;
      // A regular file reads short only at its end: no second call to be told so (an import reads thousands of these).
      if (got === buf.length || n < want) break;
    }
    if (got > opts.maxBytes) throw new UnsafeFileError(path, `is larger than ${opts.maxBytes} bytes`, 'ETOOBIG');
    return buf.toString('utf8', 0, got);
  } finally {
    closeSync(fd);
  }
}

/** Appends to a state file without following a symlink planted at its name. */
export function appendNoFollow(path: string, text: string, mode = 0o600): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | O_NONBLOCK | O_NOFOLLOW, mode);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnsafeFileError(path, `is not a regular file (${kindOf(stat)})`, 'ENOTREG');
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Throws when `path` exists and is a symlink: state paths must be real files and folders. */
export function refuseSymlink(path: string, what = 'agent-warden keeps its state there'): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) throw new UnsafeFileError(path, `is a symlink; refusing it (${what}; replace the link with a real file or folder)`, 'ESYMLINK');
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}
