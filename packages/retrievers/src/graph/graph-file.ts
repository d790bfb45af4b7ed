import { readFile } from 'node:fs/promises';
import { SiftError } from '@sift/core';
import { writeFileAtomic } from '../atomic-write.js';
import { decodeGraph, encodeGraph, type DecodedGraph } from './graph-format.js';
import type { PassageGraph } from './passage-graph.js';

/** Writes `graph.bin` atomically (readers see the old file or the new one). */
export async function writeGraphFile(path: string, graph: PassageGraph, generation = 0): Promise<void> {
  await writeFileAtomic(path, encodeGraph(graph, generation));
}

/** Reads `graph.bin`: missing → E_INDEX_MISSING (with the flag that builds it), damaged → E_INDEX_CORRUPT. */
export async function readGraphFile(path: string): Promise<DecodedGraph> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SiftError('E_INDEX_MISSING', `No entity graph at ${path}; build it with \`sift index --graph\``, { cause: err, details: { path } });
    }
    throw new SiftError('E_INDEX_CORRUPT', `Cannot read graph file ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
  }
  return decodeGraph(bytes, path);
}
