import { SiftError } from '@sift/core';
import { normalizeRemoteUri, RemoteIndex, storageOptionsOf, type RemoteIndexInspection } from '@sift/retrievers';
import type { CliContext } from '../cli-context.js';
import { loadConfig } from '../config/load-config.js';
import { formatTable } from '../format-table.js';

/** What doctor reports for an object-store index (`--index s3://…`). */
export interface RemoteIndexReport {
  dir: string;
  documents: number;
  chunks: number;
  version: number;
  embedder: string | null;
  remote: RemoteIndexInspection;
}

/**
 * Opens the remote index with the config's `storageOptions`/`remoteIndex` (and the AWS_* environment) and reads its
 * state; `verify` also reads the stored entity graph back. Never writes (an unfinalized index stays unfinalized).
 */
export async function remoteIndexReport(ctx: CliContext, uri: string, configFile: string | undefined, verify: boolean): Promise<RemoteIndexReport | { dir: string; error: string }> {
  const dir = uri.replace(/\/+$/, '');
  try {
    const cfg = await loadConfig(ctx.io, configFile);
    const index = await RemoteIndex.open(normalizeRemoteUri(uri), {
      storageOptions: storageOptionsOf(cfg.storageOptions),
      ...(cfg.remoteIndex ? { settings: cfg.remoteIndex } : {}),
      onWarn: (m) => ctx.io.stderr.write(`sift: warning: ${m}\n`),
    });
    try {
      if (!index.exists) throw new SiftError('E_INDEX_MISSING', `no index at ${dir} (run "sift index <paths> --index ${dir}" first)`, { details: { dir } });
      const s = await index.stats();
      const remote = await index.inspect({ readGraph: verify });
      return { dir, documents: s.documents, chunks: s.chunks, version: s.version, embedder: index.record?.embedder?.id ?? null, remote };
    } finally {
      await index.close();
    }
  } catch (err) {
    return { dir, error: SiftError.isInstance(err) ? `${err.code}: ${err.message}` : String(err) };
  }
}

const kb = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

/** The lines doctor prints under "index" for a remote index. */
export function formatRemoteIndex(r: RemoteIndexReport): string[] {
  const x = r.remote;
  const lines = [`  ${r.dir}: ${r.documents} documents, ${r.chunks} chunks, chunks version ${r.version}${r.embedder ? `, vectors from ${r.embedder}` : ', no vectors'} (LanceDB dataset)`];
  const f = x.finalized;
  lines.push(
    `  finalized: ${f ? `${f.at} (${f.current ? 'current' : `written since: documents v${f.versions.documents}→v${x.tables.documents?.version}, chunks v${f.versions.chunks}→v${x.tables.chunks?.version}; run "sift index --finalize"`})` : 'never (run "sift index --finalize" once the shard workers are done; the first query does it otherwise)'}`,
  );
  const rows = Object.entries(x.tables).map(([name, t]) => [
    name,
    `${t.rows} rows`,
    `v${t.version}`,
    t.indexes.map((i) => `${i.columns.join(',')} ${i.type}${i.unindexedRows > 0 ? ` (${i.unindexedRows} rows not indexed)` : ''}`).join('; ') || 'no indexes',
  ]);
  lines.push('  tables:', formatTable(rows, '    '));
  lines.push(`  shard runs: ${x.shards.runs}${x.shards.labels.length ? ` (${x.shards.labels.join(', ')})` : ''}`);
  const g = x.graph;
  const graphLine: Record<typeof g.state, string> = {
    none: 'none (index with --graph or --retriever graph:… to keep one)',
    asked: 'asked for, not built yet (the next "sift index --finalize" builds it)',
    current: `stored, current (${g.passages} passages, ${g.entities} entities, ${g.edges} edges; ${kb(g.bytes ?? 0)})`,
    stale: `stored, stale (built from chunks v${g.chunksVersion}, now v${x.tables.chunks?.version}; queries rebuild it in memory until "sift index --finalize")`,
  };
  lines.push(`  entity graph: ${graphLine[g.state]}`);
  lines.push(`  check: ${x.check ? `${x.check.orphanChunks} orphan chunks, ${x.check.duplicateChunks} duplicate chunk ids` : 'could not run'}`);
  if (x.problems.length > 0) {
    lines.push(`  problems: ${x.problems.length}`);
    for (const p of x.problems.slice(0, 20)) lines.push(`    ${p}`);
  }
  return lines;
}
