import { SiftError, throwIfAborted } from '@sift/core';

/** LanceDB's words for a commit another writer won (the write did not land, so doing it again is safe). */
const CONFLICT = /commit conflict|conflict(ing)? (transaction|operation|commit)|retryable|too many concurrent writers|precondition/i;

export function isCommitConflict(err: unknown): boolean {
  return CONFLICT.test(String((err as Error)?.message ?? err)) && !isReplacedUnderfoot(err);
}

/**
 * LanceDB's words for a write that lost to a concurrent overwrite or restore of the whole table (another worker's
 * create that landed late, or a --rebuild): what this worker committed before may be gone, so a retry is not enough.
 */
const REPLACED = /incompatible with concurrent transaction (Overwrite|Restore)/i;

export function isReplacedUnderfoot(err: unknown): boolean {
  return REPLACED.test(String((err as Error)?.message ?? err));
}

/**
 * Runs one LanceDB write, again when it lost a commit race to another worker (LanceDB already rebases compatible
 * commits such as two appends itself; what reaches us is a real conflict, e.g. two deletes in one fragment). Backs
 * off with jitter; after `attempts` tries it is E_INDEX_LOCKED naming the write. Other errors pass through at once.
 */
export async function withCommitRetry<T>(what: string, write: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (isReplacedUnderfoot(err)) {
        throw new SiftError(
          'E_INDEX_CORRUPT',
          `${what}: another writer replaced the table while this one wrote to it (a late create or a --rebuild); rows written before may be gone: re-run the shards`,
          { cause: err },
        );
      }
      if (!isCommitConflict(err)) throw err;
      if (attempt >= attempts) {
        throw new SiftError('E_INDEX_LOCKED', `${what}: still conflicting with other writers after ${attempts} tries (${String((err as Error).message).split('\n')[0]})`, {
          cause: err,
        });
      }
      const ms = Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}

/** Waits `ms` (see `createSettleMs`), or until `signal` aborts. */
export async function settle(ms: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  if (ms <= 0) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
  throwIfAborted(signal);
}
