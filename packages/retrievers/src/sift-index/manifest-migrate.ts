/**
 * Version 1 manifests (before structured records) read as version 2: the embedder id string becomes a config where it
 * names a built-in embedder, `chunker: { name, …settings }` becomes `{ name, config: settings }`, and side indexes
 * (`extensions: { name: { generation } }`, whose files carried no checksums) are kept as stale records without files,
 * so the next add rebuilds them from the committed tables and queries meanwhile fall back as for any stale side index.
 */
export function migrateManifestV1(v1: Record<string, unknown>): Record<string, unknown> {
  const { extensions, ...rest } = v1;
  const sideIndexes: Record<string, unknown> = {};
  for (const [name, rec] of Object.entries((extensions ?? {}) as Record<string, { generation?: unknown }>)) {
    // chunks: -1 can never match the committed count, so the record reads as stale until an add rewrites it.
    sideIndexes[name] = { generation: rec?.generation ?? 1, chunks: -1, options: {}, files: {} };
  }
  const out: Record<string, unknown> = { ...rest, formatVersion: 2, contentGeneration: v1.generation, sideIndexes };
  const chunker = v1.chunker as Record<string, unknown> | null | undefined;
  if (chunker && typeof chunker === 'object') {
    const { name, ...settings } = chunker;
    out.chunker = { name, config: Object.keys(settings).length > 0 ? settings : null };
  }
  const embedder = v1.embedder as { id?: unknown; dim?: unknown } | null | undefined;
  if (embedder && typeof embedder === 'object') {
    out.embedder = { id: embedder.id, dim: embedder.dim, config: typeof embedder.id === 'string' ? embedderConfigFromV1Id(embedder.id) : null };
  }
  return out;
}

/** Version 1 recorded only an embedder's id; the built-in ones spell their settings in it. */
function embedderConfigFromV1Id(id: string): Record<string, unknown> | null {
  if (id === 'use-lite') return { name: 'use-lite' };
  // OnnxEmbedder ids read `onnx:<model>[:q8]:<pooling>[:norm]:<maxTokens>`.
  const m = /^onnx:(.+?)(:q8)?:(mean|cls|last)(:norm)?:(\d+)$/.exec(id);
  if (!m || m[1] === undefined) return null;
  return { name: 'onnx', model: m[1], pooling: m[3], normalize: m[4] !== undefined, quantized: m[2] !== undefined, maxTokens: Number(m[5]) };
}
