import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiftError } from '../errors.js';
import { writeTinyEncoder } from './__fixtures__/tiny-encoder.js';
import { CachedEmbedder } from './cached-embedder.js';
import { createEmbedder } from './create-embedder.js';
import { OnnxEmbedder } from './onnx-embedder.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'sift-create-emb-'));
  writeTinyEncoder(path.join(root, 'tiny'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createEmbedder', () => {
  it('opens a local ONNX folder with the given options, optionally behind a cache', async () => {
    const e = await createEmbedder(path.join(root, 'tiny'), { device: 'cpu', pooling: 'cls', log: () => {} });
    expect(e).toBeInstanceOf(OnnxEmbedder);
    expect((e as OnnxEmbedder).pooling).toBe('cls');
    await e.close?.();
    const c = await createEmbedder(path.join(root, 'tiny'), { device: 'cpu', embeddingCacheDir: path.join(root, 'cache'), log: () => {} });
    expect(c).toBeInstanceOf(CachedEmbedder);
    await c.embed(['the cat', 'the cat']);
    await c.embed(['the cat']);
    expect((c as CachedEmbedder).stats()).toMatchObject({ hits: 1, misses: 2, entries: 1 });
    await c.close?.();
  });

  it('rejects unknown specs and bad options with coded errors', async () => {
    const err = await createEmbedder('no-such-thing').catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.code).toBe('E_UNKNOWN_COMPONENT');
    expect((err as Error).message).toContain("'no-such-thing'");
    const bad = await createEmbedder('use-lite', { threads: 0 }).catch((e: unknown) => e);
    expect(SiftError.isInstance(bad) && bad.code).toBe('E_BAD_CONFIG');
  });

  it('defaults to use-lite', async () => {
    const e = await createEmbedder();
    expect(e.id).toBe('use-lite');
    expect(e.dim).toBe(512);
    await e.close?.();
  }, 60_000);
});
