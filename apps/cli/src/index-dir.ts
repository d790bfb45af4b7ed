import { SiftError } from '@sift/core';
import { SiftIndex } from '@sift/retrievers';

/** Open the index at `dir`, turning "no manifest" into the one-line hint a CLI user needs. */
export async function openIndex(dir: string): Promise<SiftIndex> {
  try {
    return await SiftIndex.open(dir);
  } catch (err) {
    if (SiftError.isInstance(err) && err.code === 'E_INDEX_MISSING') {
      throw new SiftError('E_INDEX_MISSING', `no index at ${dir} (run "sift index <dir>" first)`, { cause: err, details: { dir } });
    }
    throw err;
  }
}
