import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from './create-embedder.js';
import { createEmbedderFromConfig, embedderConfigOf } from './embedder-config.js';
import { StaticEmbedder, staticUseLiteDir } from './static-embedder.js';
import { cosine, l2Norm } from './vector-math.js';

const shipped = staticUseLiteDir();
let e: StaticEmbedder;
beforeAll(async () => {
  e = await StaticEmbedder.create();
});
afterAll(() => e.close());

describe('StaticEmbedder (models/static-use-lite)', () => {
  it('ships in the checkout with its config', () => {
    expect(shipped).toBeDefined();
    expect(e.dim).toBe(JSON.parse(readFileSync(path.join(shipped!, 'config.json'), 'utf8')).dim);
  });

  it('gives unit vectors, the zero vector for the empty string, and ranks a paraphrase above an unrelated text', async () => {
    const [cat, kitten, stocks, empty] = await e.embed(['The cat rested on the carpet.', 'A cat slept on the carpet rug.', 'Stock markets fell sharply today.', '']);
    expect(l2Norm(cat!)).toBeCloseTo(1, 5);
    expect(l2Norm(empty!)).toBe(0);
    expect(cosine(cat!, kitten!)).toBeGreaterThan(cosine(cat!, stocks!));
  });

  it('is the normalised sum of one row per token, whatever the batch and the text length', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `token${i % 37}`).join(' ');
    const [a] = await e.embed([long]);
    const [b] = (await e.embed(['x', long, 'y'])).slice(1);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(e.tokenize(long).length).toBeGreaterThan(128); // read whole: no window
    const [dup] = await e.embed([`${long} ${long}`.trim()]);
    // Doubling a text doubles every row count except at the seam, so the direction barely moves.
    expect(cosine(a!, dup!)).toBeGreaterThan(0.999);
  });

  it('is createEmbedder("static"), never wrapped in the embedding cache, and recorded as { name: "static" }', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-static-'));
    try {
      const s = await createEmbedder('static', { embeddingCacheDir: dir });
      expect(s).toBeInstanceOf(StaticEmbedder);
      expect(embedderConfigOf(s)).toEqual({ name: 'static' });
      const again = await createEmbedderFromConfig({ name: 'static' });
      expect(again.id).toBe(s.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the missing table and refuses a table built for another vocabulary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-static-'));
    try {
      cpSync(path.join(shipped!, 'config.json'), path.join(dir, 'config.json'));
      await expect(StaticEmbedder.create({ modelDir: dir })).rejects.toMatchObject({ code: 'E_MODEL_MISSING', message: expect.stringContaining('embeddings.f32') });
      const c = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...c, vocabSha256: '0'.repeat(64) }));
      await expect(StaticEmbedder.create({ modelDir: dir })).rejects.toMatchObject({ code: 'E_MODEL_MALFORMED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
