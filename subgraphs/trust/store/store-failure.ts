/**
 * SQLite result codes (https://sqlite.org/rescode.html) that mean the storage could not do its
 * job, as opposed to a statement the code got wrong (SQLITE_CONSTRAINT, SQLITE_ERROR, SQLITE_RANGE…),
 * which is a bug and must not make the sender resend forever. Extended codes (SQLITE_IOERR_FSYNC,
 * SQLITE_READONLY_DBMOVED…) match by prefix.
 */
const STORAGE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY',
  'SQLITE_CANTOPEN', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL', 'SQLITE_PERM'];

/** True when `error` is the driver reporting that the storage failed (see STORAGE_CODES). */
export function isStorageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_CODES.some((c) => code === c || code.startsWith(`${c}_`));
}
