import { SiftError } from '@sift/core';
import type * as A from 'apache-arrow';
import { z } from 'zod';
import { GraphBuildOptionsSchema } from '../graph/graph-options.js';
import { arrow, type Table } from '../lance/_lance.js';
import { readLance } from '../lance/chunk-rows.js';
import { withCommitRetry } from './commit-retry.js';

export const MANIFEST_TABLE = 'manifest';
export const REMOTE_INDEX_FORMAT = 'sift-remote-index/1';

/** How the index was built: written once, by the first add; every later add must match it. */
export const IndexRecordSchema = z.object({
  format: z.literal(REMOTE_INDEX_FORMAT),
  createdAt: z.string(),
  chunker: z.object({ name: z.string(), config: z.record(z.string(), z.unknown()).nullable() }),
  tokenizer: z.string().nullable(),
  embedder: z.object({ id: z.string(), dim: z.number().int().min(1), config: z.unknown().nullable() }).nullable(),
  defaultRetriever: z.string().nullable(),
});
export type IndexRecord = z.infer<typeof IndexRecordSchema>;

/** What one finished shard run did (one row per run; a re-run adds another). */
export const ShardRecordSchema = z.object({
  shard: z.string(),
  added: z.number().int(),
  replaced: z.number().int(),
  skipped: z.number().int(),
  chunks: z.number().int(),
  removedOrphans: z.number().int(),
  finishedAt: z.string(),
});
export type ShardRecord = z.infer<typeof ShardRecordSchema>;

/** What the last finalize built: table versions and counts it saw, and each LanceDB index by column. */
export const FinalizeRecordSchema = z.object({
  at: z.string(),
  versions: z.object({ documents: z.number().int(), chunks: z.number().int() }),
  counts: z.object({ documents: z.number().int(), chunks: z.number().int() }),
  indexes: z.record(z.string(), z.string()),
});
export type FinalizeRecord = z.infer<typeof FinalizeRecordSchema>;

/**
 * The passage–entity graph (graph:* retrievers): asked for by an add (`build` null until a finalize builds it), then
 * one record per finalize that stored it in the `graph` table, naming its rows (`build`) and the chunks-table version
 * it covers — a later write to the chunks makes it stale.
 */
export const GraphRecordSchema = z.object({
  options: GraphBuildOptionsSchema,
  build: z.string().nullable(),
  chunksVersion: z.number().int().nullable(),
  parts: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().nullable(),
  passages: z.number().int().min(0),
  entities: z.number().int().min(0),
  edges: z.number().int().min(0),
});
export type GraphRecord = z.infer<typeof GraphRecordSchema>;

const SCHEMAS = { index: IndexRecordSchema, shard: ShardRecordSchema, finalize: FinalizeRecordSchema, graph: GraphRecordSchema } as const;
type Kind = keyof typeof SCHEMAS;

/**
 * The manifest of a remote index is a LanceDB table of append-only records (`kind`, `at`, JSON `value`): appends
 * never conflict, so any number of workers record into it at once. Readers take the first `index` record (all
 * must agree), the latest `finalize`, and every `shard` row.
 */
export function manifestSchema(): A.Schema {
  const { Field, Schema, Utf8 } = arrow();
  return new Schema([new Field('kind', new Utf8(), false), new Field('at', new Utf8(), false), new Field('value', new Utf8(), false)]);
}

export interface RemoteManifest {
  index: IndexRecord | null;
  /** Every `index` record that differs from the first: two workers created the index with different settings. */
  conflicting: IndexRecord[];
  shards: ShardRecord[];
  finalize: FinalizeRecord | null;
  /** The latest graph record (null: the index keeps no entity graph). */
  graph: GraphRecord | null;
}

export async function appendRecord<K extends Kind>(table: Table, kind: K, value: z.infer<(typeof SCHEMAS)[K]>, at = new Date().toISOString()): Promise<void> {
  const ar = arrow();
  const utf8 = (v: string) => ar.vectorFromArray([v], new ar.Utf8());
  const rows = new ar.Table(manifestSchema(), { kind: utf8(kind), at: utf8(at), value: utf8(JSON.stringify(value)) } as never);
  await withCommitRetry(`record ${kind} in the manifest`, () => table.add(rows));
}

export async function readManifestTable(table: Table, uri: string): Promise<RemoteManifest> {
  const rows = (await readLance({ table: MANIFEST_TABLE, path: uri }, 'read the manifest', () => table.query().toArray())) as Array<{ kind: string; at: string; value: string }>;
  rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.value < b.value ? -1 : 1));
  const out: RemoteManifest = { index: null, conflicting: [], shards: [], finalize: null, graph: null };
  for (const r of rows) {
    const schema = SCHEMAS[r.kind as Kind];
    if (!schema) continue; // a newer writer's record kind: ignored, not an error
    let parsed: unknown;
    try {
      parsed = schema.parse(JSON.parse(r.value));
    } catch (err) {
      throw new SiftError('E_INDEX_CORRUPT', `${uri}: manifest record "${r.kind}" of ${r.at} is damaged (${(err as Error).message.split('\n')[0]})`, {
        cause: err,
        details: { path: uri },
      });
    }
    if (r.kind === 'index') {
      const rec = parsed as IndexRecord;
      if (!out.index) out.index = rec;
      else if (!sameBuild(out.index, rec)) out.conflicting.push(rec);
    } else if (r.kind === 'shard') out.shards.push(parsed as ShardRecord);
    else if (r.kind === 'graph') out.graph = parsed as GraphRecord;
    else out.finalize = parsed as FinalizeRecord;
  }
  return out;
}

/** Two index records describe the same build (same chunker config, tokenizer and embedder). */
export function sameBuild(a: IndexRecord, b: IndexRecord): boolean {
  const key = (r: IndexRecord) => JSON.stringify([r.chunker, r.tokenizer, r.embedder ? [r.embedder.id, r.embedder.dim] : null]);
  return key(a) === key(b);
}
