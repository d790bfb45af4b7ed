import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { SiftError, type Chunk, type Chunker, type Document, type Embedder } from '@sift/core';
import { SiftIndex } from '../sift-index.js';

/**
 * One writer of the crash and concurrency tests, run in-process or as its own process
 * (`node --import tsx crash-writer.ts <dir> <phase>`): opens or creates the index with vectors and an entity graph,
 * adds the phase's documents, closes. As a process it exits 0, or 3 printing the SiftError code on stderr.
 */

const DIM = 16;

/** A deterministic bag-of-words embedder (hashed words, L2-normalised): no model, same vectors everywhere. */
export const hashEmbedder: Embedder = {
  id: 'test-hash-16',
  dim: DIM,
  maxTokens: 512,
  async embed(texts) {
    return texts.map((t) => {
      const v = new Float32Array(DIM);
      for (const w of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) v[createHash('md5').update(w).digest()[0]! % DIM]! += 1;
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  },
};

/** One chunk per sentence, ids `<docId>#<n>`. */
export const sentenceChunker: Chunker = {
  name: 'test-sentences',
  async *chunk(doc: Document): AsyncIterable<Chunk> {
    let n = 0;
    for (const m of doc.text.matchAll(/[^.\n]+[.\n]?/g)) {
      const lead = m[0].length - m[0].trimStart().length;
      const text = m[0].trim();
      if (!text) continue;
      const start = m.index + lead;
      yield { id: `${doc.id}#${n++}`, docId: doc.id, text, start, end: start + text.length, tokenCount: text.split(/\s+/).length, metadata: {} };
    }
  },
};

const FILMS: Array<[string, string]> = [
  ['ed-wood-film', 'Ed Wood (film)\nEd Wood is a 1994 American biographical film directed by Tim Burton. It stars Johnny Depp as the cult filmmaker.'],
  ['tim-burton', 'Tim Burton\nTimothy Walter Burton is an American filmmaker. Burton studied animation at the California Institute of the Arts.'],
  ['johnny-depp', 'Johnny Depp\nJohn Christopher Depp II is an American actor and musician. Depp played Jack Sparrow.'],
  ['calarts', 'California Institute of the Arts\nCalArts is a private art university in Valencia, Santa Clarita.'],
  ['jack-sparrow', 'Jack Sparrow\nCaptain Jack Sparrow is a pirate in the Pirates of the Caribbean films.'],
  ['valencia', 'Valencia, Santa Clarita\nValencia is a neighborhood of Santa Clarita in Los Angeles County.'],
];
const filler = (i: number): [string, string] => [`note-${i}`, `Note ${i}\nA plain note about topic${i % 4} and apples number ${i}. Pears grow in orchard ${i % 3}.`];

/** Phase A builds the index; phase B adds to it (and replaces one document) — the add whose commit the test cuts. */
export function phaseDocs(phase: 'A' | 'B' | string): Document[] {
  const pages =
    phase === 'A'
      ? [...FILMS.slice(0, 3), ...Array.from({ length: 12 }, (_, i) => filler(i))]
      : phase === 'B'
        ? [...FILMS.slice(3), ...Array.from({ length: 12 }, (_, i) => filler(i + 12)), ['note-0', 'Note 0\nRewritten: apples became plums in orchard nine.'] as [string, string]]
        : [[`writer-${phase}`, `Writer ${phase}\nA document written by writer ${phase} about teapots.`] as [string, string]];
  return pages.map(([id, text]) => ({ id, text, metadata: {} }));
}

export const QUERIES = ['Which school did the director of Ed Wood attend?', 'pirate captain', 'apples orchard', 'plums', 'Santa Clarita neighborhood topic2'];
export const RETRIEVERS = ['bm25', 'dense', 'hybrid', 'graph:hybrid'] as const;

/** Opens or creates the index at `dir` and adds the phase's documents (small batches: several LanceDB writes). */
export async function runWriter(dir: string, phase: string): Promise<void> {
  const index = await SiftIndex.create(dir, { ifExists: 'open', embedder: hashEmbedder, sideIndexes: { graph: {} }, onWarn: () => {} });
  try {
    await index.add(phaseDocs(phase), { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 8 });
  } finally {
    await index.close();
  }
}

/** Top-10 ids and scores of every retriever for every query: what two indexes must agree on. */
export async function topTens(dir: string): Promise<Record<string, Array<Array<[string, number]>>>> {
  const index = await SiftIndex.open(dir, { onWarn: () => {} });
  try {
    const out: Record<string, Array<Array<[string, number]>>> = {};
    for (const name of RETRIEVERS) {
      const r = await index.retriever(name, { embedder: hashEmbedder });
      out[name] = [];
      for (const q of QUERIES) out[name].push((await r.retrieve(q, 10)).map((h) => [h.id, Number(h.score.toFixed(6))]));
    }
    return out;
  } finally {
    await index.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, phase] = process.argv.slice(2);
  runWriter(dir!, phase!).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${SiftError.isInstance(err) ? err.code : 'E_OTHER'} ${(err as Error).message}\n`);
      process.exit(3);
    },
  );
}
