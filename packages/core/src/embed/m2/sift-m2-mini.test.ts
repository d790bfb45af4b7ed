// The shipped sift-m2-mini against the PyTorch outputs its export saved (models/sift-m2-mini/reference.json): the
// tokenizer gives the same ids, and the ONNX graph built from model.safetensors gives the same whole-text and
// late-chunked vectors. This is the path a converted official checkpoint takes too (config.json + safetensors).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../vector-math.js';
import { readM2Config } from './m2-config.js';
import { M2Embedder, siftM2MiniDir } from './m2-embedder.js';
import { M2Tokenizer } from './m2-tokenizer.js';

interface Reference {
  cases: Array<{ text: string; input_ids: number[]; pooled: number[] }>;
  late_chunking: { text: string; input_ids: number[]; spans: Array<[number, number]>; span_vectors: number[][] };
}

const DIR = siftM2MiniDir()!;
const REF = JSON.parse(readFileSync(path.join(DIR, 'reference.json'), 'utf8')) as Reference;

let cacheDir: string;
let embedder: M2Embedder;

beforeAll(async () => {
  cacheDir = mkdtempSync(path.join(tmpdir(), 'sift-m2-mini-'));
  embedder = await M2Embedder.create({ model: 'sift-m2-mini', device: 'cpu', graphCacheDir: cacheDir, maxTokens: 1024 });
});

afterAll(async () => {
  await embedder?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('sift-m2-mini against its PyTorch reference', { timeout: 120_000 }, () => {
  it('tokenizes the reference texts to the same ids', async () => {
    const tok = await M2Tokenizer.fromDir(DIR, await readM2Config(path.join(DIR, 'config.json')));
    for (const c of REF.cases) expect(tok.encode(c.text, 8192).ids, c.text).toEqual(c.input_ids);
  });

  it('embeds each reference text to the PyTorch vector', async () => {
    const got = await embedder.embed(REF.cases.map((c) => c.text));
    REF.cases.forEach((c, i) => expect(cosine(got[i]!, Float32Array.from(c.pooled)), c.text).toBeGreaterThan(0.99999));
  });

  it('late-chunks the reference document (four passages) to the PyTorch span vectors', async () => {
    const { text, span_vectors } = REF.late_chunking;
    // The document is the passages joined by blank lines; each span is one passage.
    const spans: Array<{ start: number; end: number }> = [];
    let at = 0;
    for (const passage of text.split('\n\n')) {
      spans.push({ start: at, end: at + passage.length });
      at += passage.length + 2;
    }
    expect(spans).toHaveLength(span_vectors.length);
    const got = await embedder.embedSpans(text, spans);
    got.forEach((v, i) => expect(cosine(v, Float32Array.from(span_vectors[i]!)), `span ${i}`).toBeGreaterThan(0.99999));
  });
});
