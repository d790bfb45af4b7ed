// A fresh project's view of Sift: every package imported by name from the packed tarballs, a few documents chunked,
// ranked with BM25, cut to a token budget, and the ranking scored. Run by scripts/consumer-test.sh with plain node.
import assert from 'node:assert/strict';
import { SiftError, type Chunk, type Document } from '@sift/core';
import { createChunker } from '@sift/chunkers';
import { createRetriever } from '@sift/retrievers';
import { createSelector } from '@sift/selectors';
import { recallAtK } from '@sift/eval';
import { EXIT } from '@sift/cli';

const docs: Document[] = [
  { id: 'whales', text: 'Sperm whales dive deep for squid. They hold their breath for an hour.', metadata: {} },
  { id: 'bees', text: 'Honey bees dance to tell the hive where flowers are. The waggle dance encodes distance.', metadata: {} },
  { id: 'tides', text: 'The moon pulls the oceans and makes the tides. Spring tides follow a full moon.', metadata: {} },
];

const chunker = await createChunker({ chunker: 'sentence', size: 16 });
const chunks: Chunk[] = [];
for (const doc of docs) {
  for await (const chunk of chunker.chunk(doc)) {
    assert.equal(doc.text.slice(chunk.start, chunk.end), chunk.text);
    chunks.push(chunk);
  }
}

const retriever = await createRetriever('bm25', chunks);
const query = 'how do bees tell the hive about flowers';
const ranked = await retriever.retrieve(query, 4);
const selection = await createSelector({ name: 'budget', budget: 24 }).select(query, ranked);

assert.equal(ranked[0]?.docId, 'bees');
assert.ok(selection.tokens <= 24 && selection.chunks.length > 0);
const recall = recallAtK(
  ranked.map((c) => c.docId),
  new Set(['bees']),
  1,
);
assert.equal(recall, 1);
assert.ok(SiftError.isInstance(new SiftError('E_BAD_INPUT', 'probe')));
assert.equal(typeof EXIT, 'object');

console.log(`chunks: ${chunks.length}`);
for (const c of selection.chunks) console.log(`${c.score.toFixed(3)}  ${c.docId}  ${JSON.stringify(c.text)}`);
console.log(`selected ${selection.chunks.length} of ${ranked.length} (${selection.tokens} tokens); recall@1 = ${recall}`);
