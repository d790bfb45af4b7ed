// (a) Index a folder and query it with the defaults: recursive chunks of 512 tokens, BM25, the top 10.
//     node examples/index-and-query.mjs <folder> "<question>" [index-dir]
import { pathToFileURL } from 'node:url';
import { createPipeline } from '@sift/pipeline';

export async function main([folder = 'docs', question = 'what does sift do?', index = '.sift'] = [], print = console.log) {
  const pipeline = await createPipeline({ index });
  try {
    const { added, skipped } = await pipeline.index([folder]);
    print(`indexed ${added} new documents (${skipped} unchanged)`);
    const { chunks, tokens } = await pipeline.query(question, { k: 3 });
    for (const c of chunks) print(`${c.score.toFixed(3)}  ${c.docId}  ${c.text.replace(/\s+/g, ' ').slice(0, 70)}`);
    print(`${chunks.length} chunks, ${tokens} tokens`);
  } finally {
    await pipeline.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
