// (b) Your own embedder: any function from texts to vectors plugs into the pipeline (here hashed character
//     trigrams, so the example runs without a model). Dense and hybrid retrieval then use it.
//     node examples/own-embedder.mjs <folder> "<question>" [index-dir]
import { pathToFileURL } from 'node:url';
import { createPipeline } from '@sift/pipeline';

const DIM = 256;

/** Hashed character trigrams, L2-normalised: similar spellings get similar vectors. */
function trigramVector(text) {
  const v = new Float32Array(DIM);
  const s = ` ${text.toLowerCase()} `;
  for (let i = 0; i + 3 <= s.length; i++) {
    let h = 2166136261;
    for (let j = i; j < i + 3; j++) h = Math.imul(h ^ s.charCodeAt(j), 16777619);
    v[(h >>> 0) % DIM] += 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** The Embedder interface: an id (recorded in the index), the dimension, and embed(texts). */
export const trigramEmbedder = {
  id: 'trigrams-256',
  dim: DIM,
  maxTokens: 8192,
  embed: async (texts) => texts.map(trigramVector),
};

export async function main([folder = 'docs', question = 'what does sift do?', index = '.sift-trigrams'] = [], print = console.log) {
  const pipeline = await createPipeline({ index, embedder: trigramEmbedder, retriever: 'hybrid' });
  try {
    await pipeline.index([folder]);
    const { chunks } = await pipeline.query(question, { k: 3 });
    for (const c of chunks) print(`${c.score.toFixed(4)}  ${c.docId}  ${c.text.replace(/\s+/g, ' ').slice(0, 70)}`);
    print(`embedder ${(await pipeline.stats()).embedder?.id}`);
  } finally {
    await pipeline.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
