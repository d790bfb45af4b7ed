import { readFileSync } from 'node:fs';
import { ByteRanks } from './_byte-ranks.js';

/**
 * cl100k's vocabulary as a pre-built binary file beside the compiled tokenizer (`dist/text/cl100k_base.ranks`,
 * written by `pnpm build`: packages/core/scripts/write-rank-tables.mjs, from the pinned gpt-tokenizer). Reading it
 * replaces importing gpt-tokenizer's rank table, a 1.2 MB JavaScript module compiled and run at every process start,
 * then encoded token by token (about 100 ms of each `sift index`). Running from source, the file is not there and
 * the tokenizer loads gpt-tokenizer's table as before.
 */
export const RANK_TABLE_FILE = 'cl100k_base.ranks';

/** The vocabulary from gpt-tokenizer's cl100k rank table. */
export async function cl100kRanksFromGptTokenizer(): Promise<ByteRanks> {
  return new ByteRanks((await import('gpt-tokenizer/bpeRanks/cl100k_base')).default);
}

/** The pre-built table at `url`, or null when there is none; a file that is not one is an error naming it. */
export function readRankTable(url: URL): ByteRanks | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return ByteRanks.fromBinary(bytes, url.pathname);
}
