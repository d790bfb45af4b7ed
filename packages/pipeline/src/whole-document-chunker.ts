import { createTokenizer, type Chunk, type Chunker, type Document, type TokenizerName } from '@sift/core';

/**
 * The `none` chunker: every document is one chunk, its id the document's (passage-level retrieval, as the
 * HotpotQA baselines report it). `tokenCount` is counted with `tokenizer`.
 */
export async function wholeDocumentChunker(tokenizer: TokenizerName = 'cl100k'): Promise<Chunker> {
  const counter = await createTokenizer(tokenizer);
  return {
    name: 'none',
    // eslint-disable-next-line @typescript-eslint/require-await
    async *chunk(doc: Document): AsyncIterable<Chunk> {
      yield { id: doc.id, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: counter.count(doc.text), metadata: {} };
    },
  };
}
