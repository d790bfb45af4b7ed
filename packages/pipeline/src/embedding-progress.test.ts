import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder, Progress } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline } from './create-pipeline.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-embprog-'));
  await mkdir(join(dir, 'docs'));
  for (let i = 0; i < 3; i++) await writeFile(join(dir, 'docs', `d${i}.txt`), `Document ${i} talks about cats. It has two sentences.`);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('index progress while embedding', () => {
  it('reports files read, then texts embedded (unit "texts", message "embedding")', async () => {
    const embedder: Embedder = { id: 'zeros', dim: 4, maxTokens: 64, embed: (t) => Promise.resolve(t.map(() => Float32Array.of(1, 0, 0, 0))) };
    const seen: Progress[] = [];
    await using p = await createPipeline({ index: join(dir, 'idx'), chunker: 'none', embedder, retriever: 'dense' });
    const r = await p.index([join(dir, 'docs')], { onProgress: (x) => seen.push(x) });
    const texts = seen.filter((x) => x.unit === 'texts');
    expect(seen.some((x) => x.unit !== 'texts')).toBe(true);
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.every((x) => x.message === 'embedding')).toBe(true);
    expect(texts.at(-1)!.done).toBe(r.chunks);
  });
});
