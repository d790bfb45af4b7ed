import { pathToFileURL } from 'node:url';
import { seededRandom, SiftError, type Document } from '@sift/core';
import { hashEmbedder, sentenceChunker } from '../../sift-index/__fixtures__/crash-writer.js';
import { RemoteIndex } from '../remote-index.js';
import { CLIENT_TIMEOUTS } from './local-s3-server.js';
import { parseShard } from '../shard.js';

/**
 * One shard worker of the remote-index tests, in-process or as its own process
 * (`node --import tsx shard-worker.ts <uri> <i/n> <phase> <batchSize>`, store settings from the AWS_* environment,
 * long client timeouts as storage options):
 * adds its shard of the phase's corpus with the test chunker and hashed-word embedder, keeping the entity graph. Exits 0, or 3 printing the
 * SiftError code. `SIFT_CRASH_AT=<n>` kills it (SIGKILL) at its n-th commit between chunks and document rows.
 */

const WORDS = (() => {
  const rand = seededRandom(17);
  const syll = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vel', 'or', 'pin', 'dex', 'ga', 'thu', 'bor', 'ni', 'quo', 'zan'];
  const out = new Set<string>();
  while (out.size < 600) out.add(Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syll[Math.floor(rand() * syll.length)]).join(''));
  return [...out];
})();

/** A Zipf-ish pick: frequent words and a long tail, so BM25 scores rarely tie. */
function word(rand: () => number): string {
  return WORDS[Math.floor(WORDS.length * rand() ** 2.5)]!;
}

/** `docs` documents of 3–6 sentences each; phase B rewrites two phase-A documents and adds new ones. */
export function corpus(phase: 'A' | 'B', docs = 48): Document[] {
  const rand = seededRandom(phase === 'A' ? 1 : 2);
  const out: Document[] = [];
  const ids = phase === 'A' ? Array.from({ length: docs }, (_, i) => `doc-${i}`) : ['doc-3', 'doc-7', ...Array.from({ length: 12 }, (_, i) => `doc-${docs + i}`)];
  for (const id of ids) {
    const sentences = Array.from({ length: 3 + Math.floor(rand() * 4) }, () => {
      const s = Array.from({ length: 6 + Math.floor(rand() * 9) }, () => word(rand)).join(' ');
      return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
    });
    out.push({ id, text: sentences.join(' '), metadata: {} });
  }
  return out;
}

export const QUERIES = [WORDS[3]!, `${WORDS[10]} ${WORDS[42]}`, `${WORDS[100]} ${WORDS[1]} ${WORDS[250]}`, WORDS[77]!, `${WORDS[5]} ${WORDS[6]}`];

export async function runShard(uri: string, shard: string, phase: 'A' | 'B', batchSize: number, storageOptions: Record<string, string> = {}): Promise<void> {
  const index = await RemoteIndex.open(uri, { storageOptions, onWarn: () => {} });
  try {
    await index.add(corpus(phase), { chunker: sentenceChunker, embedder: hashEmbedder, shard: parseShard(shard), batchSize, graph: true });
  } finally {
    await index.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [uri, shard, phase, batch] = process.argv.slice(2);
  runShard(uri!, shard!, phase as 'A' | 'B', Number(batch), CLIENT_TIMEOUTS).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${SiftError.isInstance(err) ? err.code : 'E_OTHER'} ${(err as Error).message}\n`);
      process.exit(3);
    },
  );
}
