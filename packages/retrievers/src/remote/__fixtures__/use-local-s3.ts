import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startLocalS3, type LocalS3 } from './local-s3-server.js';

export interface LocalS3Suite {
  /** The server, or undefined when it did not start (each test then skips with `skipReason`). */
  readonly s3: LocalS3 | undefined;
  readonly skipReason: string;
  /** A scratch folder for the file (removed after it), when a prefix was given. */
  readonly tmp: string;
}

/** Starts the local S3 server (and a scratch folder) before a test file's tests and stops it after them. */
export function useLocalS3(tmpPrefix?: string): LocalS3Suite {
  const suite = { s3: undefined as LocalS3 | undefined, skipReason: '', tmp: '' };
  beforeAll(async () => {
    if (tmpPrefix) suite.tmp = await mkdtemp(join(tmpdir(), tmpPrefix));
    try {
      suite.s3 = await startLocalS3();
    } catch (err) {
      suite.skipReason = `the local S3 server (s3rver) did not start: ${(err as Error).message}`;
    }
  });
  afterAll(async () => {
    await suite.s3?.close();
    if (suite.tmp) await rm(suite.tmp, { recursive: true, force: true });
  });
  return suite;
}
