import type { Document, Embedder, Retriever, RunOptions } from '@sift/core';
import { RemoteIndex, type RemoteFinalizeResult, type RemoteIndexSettings, type ResolvedRetrieverSpec, type RetrieverSpec } from '@sift/retrievers';
import type { PipelineStore, StoreAddOptions, StoreRecord } from './pipeline-store.js';

/**
 * A pipeline's chunks in a `RemoteIndex`: one LanceDB dataset on object storage (`index: "s3://bucket/path"`),
 * store settings from `storageOptions` and the AWS_* environment. Adds may be sharded across processes (`shard`);
 * `finalize` builds the LanceDB indexes once they are all done.
 */
export class RemoteStore implements PipelineStore {
  readonly kind = 'remote' as const;
  readonly dir: string;
  private index: Promise<RemoteIndex> | undefined;

  constructor(
    uri: string,
    private readonly options: { storageOptions: Record<string, string>; settings?: RemoteIndexSettings },
    private readonly onWarn?: (message: string) => void,
  ) {
    this.dir = uri;
  }

  private opened(): Promise<RemoteIndex> {
    this.index ??= RemoteIndex.open(this.dir, {
      storageOptions: this.options.storageOptions,
      ...(this.options.settings ? { settings: this.options.settings } : {}),
      ...(this.onWarn ? { onWarn: this.onWarn } : {}),
    });
    this.index.catch(() => (this.index = undefined));
    return this.index;
  }

  async record(): Promise<StoreRecord | null> {
    const index = await this.opened();
    const r = index.record;
    if (!r) return null;
    return {
      chunker: { name: r.chunker.name, ...(r.chunker.config ?? {}) },
      embedder: r.embedder ? { id: r.embedder.id, dim: r.embedder.dim } : null,
      extensions: index.manifest.graph ? ['graph'] : [],
      ...(r.defaultRetriever ? { defaultRetriever: r.defaultRetriever } : {}),
    };
  }

  async recordedEmbedder(): Promise<Embedder> {
    return (await this.opened()).embedder();
  }

  async add(docs: AsyncIterable<Document> | Iterable<Document>, opts: StoreAddOptions) {
    const index = await this.opened();
    const r = await index.add(docs, {
      chunker: opts.chunker,
      chunkerConfig: opts.chunkerConfig ?? null,
      tokenizer: opts.tokenizer ?? null,
      ...(opts.embedder ? { embedder: opts.embedder } : {}),
      defaultRetriever: opts.defaultRetriever ?? null,
      // The entity graph is recorded now and built (stored in the dataset) by finalize.
      ...(opts.graph ? { graph: true } : {}),
      ...(opts.shard ? { shard: opts.shard } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { added: r.added, replaced: r.replaced, skipped: r.skipped, chunks: r.chunks };
  }

  async remove(docIds: readonly string[]): Promise<number> {
    return (await this.opened()).remove(docIds);
  }

  async documents(): Promise<Array<{ id: string; source: string | null }>> {
    return (await this.opened()).documents();
  }

  async retriever(spec: ResolvedRetrieverSpec, deps: RunOptions & { embedder?: Embedder }): Promise<Retriever> {
    return (await this.opened()).retriever(spec as RetrieverSpec, deps);
  }

  async stats() {
    const s = await (await this.opened()).stats();
    return { documents: s.documents, chunks: s.chunks, version: s.version };
  }

  async finalize(opts: RunOptions = {}): Promise<RemoteFinalizeResult> {
    return (await this.opened()).finalize(opts);
  }

  async clear(): Promise<void> {
    await (await this.opened()).drop();
  }

  async close(): Promise<void> {
    const index = this.index;
    this.index = undefined;
    if (index) await (await index.catch(() => undefined))?.close();
  }
}
