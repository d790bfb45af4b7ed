/** A short reason for a failed file-system call: `EACCES: permission denied`, `ENOENT: no such file or directory`… */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e.code === 'string') {
    const known: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      ENOENT: 'no such file or directory',
      ELOOP: 'too many symbolic links',
      EISDIR: 'is a directory',
      ENOTDIR: 'not a directory',
      EIO: 'I/O error',
      EMFILE: 'too many open files',
    };
    return `${e.code}: ${known[e.code] ?? e.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
