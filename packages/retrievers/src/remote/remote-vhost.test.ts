import { describe, expect, it } from 'vitest';
import { hashEmbedder, sentenceChunker } from '../sift-index/__fixtures__/crash-writer.js';
import { BUCKET } from './__fixtures__/local-s3-server.js';
import { useLocalS3 } from './__fixtures__/use-local-s3.js';
import { corpus, QUERIES } from './__fixtures__/shard-worker.js';
import { RemoteIndex } from './remote-index.js';

// Virtual-hosted-style addressing (the bucket in the host name, `aws_virtual_hosted_style_request`), as real S3
// prefers: LanceDB's storage options pass through RemoteIndex unchanged. The bucket's endpoint is a `.invalid` host
// reached only through the local server as `proxy_url`, so nothing can leave 127.0.0.1.

const suite = useLocalS3();

describe('RemoteIndex with virtual-hosted-style requests', { timeout: 300_000 }, () => {
  it('indexes, finalizes and answers with every request addressed to <bucket>.s3.<domain>', async (ctx) => {
    const s3 = suite.s3;
    if (!s3) return ctx.skip(suite.skipReason);
    const before = s3.requestStyles();
    const uri = `s3://${BUCKET}/vhost`;
    // Two workers at once: their commits race through the conditional PUTs, addressed virtual-hosted-style too.
    const added = await Promise.all(
      [0, 1].map(async (i) => {
        const worker = await RemoteIndex.open(uri, { storageOptions: s3!.virtualHostedStorageOptions, onWarn: () => {} });
        try {
          return (await worker.add(corpus('A'), { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 8, graph: true, shard: { index: i, count: 2 } })).added;
        } finally {
          await worker.close();
        }
      }),
    );
    expect(added[0]! + added[1]!).toBe(48);
    const index = await RemoteIndex.open(uri, { storageOptions: s3.virtualHostedStorageOptions, onWarn: () => {} });
    try {
      const fin = await index.finalize();
      expect(fin).toMatchObject({ documents: 48, orphanChunks: 0, duplicateChunks: 0, indexes: { 'chunks.text': 'FTS', graph: 'EntityGraph' } });
      for (const spec of ['bm25', 'hybrid', 'graph:bm25']) {
        const hits = await (await index.retriever(spec, { embedder: hashEmbedder })).retrieve(QUERIES[0]!, 5);
        expect(hits.length, spec).toBeGreaterThan(0);
      }
    } finally {
      await index.close();
    }
    const after = s3.requestStyles();
    expect(after.pathStyle - before.pathStyle).toBe(0);
    expect(after.virtualHosted - before.virtualHosted).toBeGreaterThan(20);
    // The same dataset read path-style: one store, two ways of addressing it.
    const pathStyle = await RemoteIndex.open(uri, { storageOptions: s3.storageOptions, onWarn: () => {} });
    try {
      expect(await pathStyle.stats()).toMatchObject({ documents: 48 });
    } finally {
      await pathStyle.close();
    }
  });
});
