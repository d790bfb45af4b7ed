import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SiftError } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { defaultKnCorpusFiles, KN_HELD_OUT_FROM_YEAR, loadKneserNeyDir, siftKnDir } from './kn-model.js';
import { loadMetaLm, usesPrebuiltKn } from './load-lm.js';

const dir = siftKnDir()!;
const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
  order: number;
  trained_tokens: number;
  ngrams: Record<string, number>;
  reference: { text: string; ids: number[]; token_logprobs: Array<number | null> };
};

describe('models/sift-kn-3gram (prebuilt Kneser–Ney)', () => {
  it("is what lm 'kn' loads with default options, and scores the build's reference text exactly", async () => {
    expect(dir).toBeDefined();
    expect(usesPrebuiltKn({})).toBe(dir);
    const lm = await loadMetaLm('kn');
    expect(lm.id).toBe('kneser-ney-3gram-ids');
    expect((lm as unknown as { sizes(): number[] }).sizes()).toEqual(Object.values(cfg.ngrams));
    expect(lm.tokenize(cfg.reference.text)).toEqual(cfg.reference.ids);
    const lp = Array.from(await lm.tokenLogprobs(cfg.reference.ids), (x) => (Number.isNaN(x) ? null : x));
    expect(lp).toEqual(cfg.reference.token_logprobs);
  });

  it('any non-default kn option trains instead', () => {
    expect(usesPrebuiltKn({ prebuilt: false })).toBeUndefined();
    expect(usesPrebuiltKn({ order: 4 })).toBeUndefined();
    expect(usesPrebuiltKn({ tokenizer: 'words' })).toBeUndefined();
    expect(usesPrebuiltKn({ corpus: ['x.txt'] })).toBeUndefined();
  });

  it('the default corpus holds the 2012–2021 addresses out', () => {
    const train = defaultKnCorpusFiles();
    const held = defaultKnCorpusFiles({ heldOut: true });
    expect(held).toHaveLength(10);
    expect(held.every((f) => Number(path.basename(f).slice(0, 4)) >= KN_HELD_OUT_FROM_YEAR)).toBe(true);
    expect(train.some((f) => held.includes(f))).toBe(false);
    expect(train.some((f) => f.includes('moby-dick'))).toBe(true);
  });

  it('refuses a folder built with another tokenizer, or missing its files, naming the file', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'sift-kn-'));
    try {
      const err = await loadKneserNeyDir(tmp).catch((e: unknown) => e);
      expect(SiftError.isInstance(err) && err.code).toBe('E_MODEL_MISSING');
      expect((err as Error).message).toContain('config.json');
      await cp(dir, tmp, { recursive: true });
      await writeFile(path.join(tmp, 'config.json'), JSON.stringify({ ...cfg, tokenizer: 'sift-lm-mini', tokenizer_sha256: 'f'.repeat(64) }));
      const bad = await loadKneserNeyDir(tmp).catch((e: unknown) => e);
      expect(SiftError.isInstance(bad) && bad.code).toBe('E_MODEL_MALFORMED');
      expect((bad as Error).message).toContain('build.ts');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
