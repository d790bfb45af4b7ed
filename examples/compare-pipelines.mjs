// (c) Evaluate two pipelines on a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) and compare them.
//     Each is built into a temporary on-disk index and queried exactly as `sift query` would.
//     node examples/compare-pipelines.mjs <beir-folder>
import { pathToFileURL } from 'node:url';
import { formatComparison, runEval } from '@sift/eval';

export async function main([beir = 'beir'] = [], print = console.log) {
  const passages = { retriever: 'bm25' };
  const sentences = { chunker: 'sentence', size: 48, retriever: 'bm25', selector: 'budget', budget: 256 };
  const a = await runEval({ dataset: `beir:${beir}`, pipeline: passages });
  const b = await runEval({ dataset: `beir:${beir}`, pipeline: sentences });
  print(formatComparison(a, b, ['whole passages', 'sentences + budget']));
  return { a, b };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
