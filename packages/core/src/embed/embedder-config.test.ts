import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiftError } from '../errors.js';
import { writeTinyEncoder } from './__fixtures__/tiny-encoder.js';
import { CachedEmbedder } from './cached-embedder.js';
import { createEmbedder } from './create-embedder.js';
import { createEmbedderFromConfig, embedderConfigOf, EmbedderConfigSchema } from './embedder-config.js';

let root: string;
let modelDir: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'sift-emb-config-'));
  modelDir = path.join(root, 'tiny');
  writeTinyEncoder(modelDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('embedder configs', () => {
  it('an ONNX embedder records what re-creates it, and the re-created one gives the same id and vectors', async () => {
    const first = await createEmbedder(modelDir, { pooling: 'cls', normalize: true, maxTokens: 12 });
    const config = embedderConfigOf(first)!;
    expect(config).toEqual({ name: 'onnx', model: modelDir, pooling: 'cls', normalize: true, quantized: false, maxTokens: 12 });
    expect(EmbedderConfigSchema.parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
    const again = await createEmbedderFromConfig(config, { threads: 1 });
    expect(again.id).toBe(first.id);
    const [a] = await first.embed(['hello world']);
    const [b] = await again.embed(['hello world']);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    await first.close?.();
    await again.close?.();
  });

  it('a cache wrapper passes its inner config through; an embedder of the caller’s own has none', async () => {
    const inner = await createEmbedder(modelDir);
    const cached = await CachedEmbedder.create({ embedder: inner, dir: path.join(root, 'cache') });
    expect(embedderConfigOf(cached)).toEqual(embedderConfigOf(inner));
    expect(embedderConfigOf({ id: 'mine', dim: 3, maxTokens: 8, embed: async (t) => t.map(() => new Float32Array(3)) })).toBeUndefined();
    await cached.close?.();
  });

  it('rejects an invalid config with E_BAD_CONFIG naming the key', async () => {
    await expect(createEmbedderFromConfig({ name: 'onnx', model: modelDir, pooling: 'max', normalize: true, quantized: false, maxTokens: 8 } as never)).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_BAD_CONFIG' && /pooling/.test(e.message),
    );
  });
});
