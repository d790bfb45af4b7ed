import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../abort.js';
import { UseLiteEmbedder } from './use-lite-embedder.js';
import { UseLiteOnnxEmbedder } from './use-lite-onnx-embedder.js';
import { l2Norm } from './vector-math.js';

// ~50 texts of mixed length and script, three of them longer than the 128-token window.
const long = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed} sentence number ${i} talks about rivers, towns and the people in them.`).join(' ');
const TEXTS = [
  'The cat rested on the carpet.', 'A kitten slept on the rug.', 'Stock markets fell sharply today.', 'Hello world.',
  'Sift chunks, retrieves, selects and evaluates.', 'What is the capital of France?', 'Paris is the capital of France.',
  'The quick brown fox jumps over the lazy dog.', 'naïve café — “quotes” ½ ﬁ', 'emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters',
  '日本語のテキスト', 'ÅÄÖ ß İ ǅ', 'tab\there  double  space', 'URLs like https://example.com/a:b :) :(', 'a', '', ' ',
  'Arthur\'s Magazine was an American literary periodical published in Philadelphia in the 19th century.',
  'First for Women is a woman\'s magazine published by Bauer Media Group in the USA.',
  'The Oberoi family is an Indian family that is famous for its involvement in hotels.',
  'Allie Goertz is an American musician, writer, and comedian.', 'Radio City is India\'s first private FM radio station.',
  'Scott Derrickson is an American director, screenwriter and producer.', 'Ed Wood was an American filmmaker.',
  'The Laleli Mosque is an 18th-century Ottoman imperial mosque located in Laleli, Fatih, Istanbul, Turkey.',
  'Esma Sultan Mansion is a historical yalı located on the Bosphorus in the Ortaköy neighborhood of Istanbul.',
  '1984 is a dystopian novel by George Orwell, published in 1949.', 'E = mc^2 relates energy and mass.',
  'Numbers: 3.14159, 2,718, 1e-9, -42.', 'ALL CAPS SHOUTING TEXT', 'mIxEd CaSe WoRdS',
  'Photosynthesis converts light energy into chemical energy.', 'The mitochondria is the powerhouse of the cell.',
  'Rain is expected tomorrow afternoon.', 'Tokenizers split text into pieces.', 'Embeddings map text to vectors.',
  'A B C D E F G', 'über straße façade coöperate', 'Привет, мир!', 'Γειά σου Κόσμε', 'مرحبا بالعالم', 'שלום עולם',
  'के लिए', '한국어 문장', '   leading and trailing spaces   ', 'line one\nline two\nline three',
  long('First', 20), long('Second', 40), long('Third', 9),
];

let onnx: UseLiteOnnxEmbedder;
let tfjs: UseLiteEmbedder;
beforeAll(async () => {
  [onnx, tfjs] = await Promise.all([UseLiteOnnxEmbedder.create({ threads: 1, batchSize: 8 }), UseLiteEmbedder.create({ batchSize: 8 })]);
}, 120_000);
afterAll(async () => {
  await onnx.close();
  await tfjs.close();
});

const maxAbsDiff = (a: Float32Array[], b: Float32Array[]) => {
  let m = 0;
  a.forEach((v, i) => v.forEach((x, j) => (m = Math.max(m, Math.abs(x - b[i]![j]!)))));
  return m;
};

describe('UseLiteOnnxEmbedder', () => {
  it('tokenizes exactly like the TF.js path (the package’s own tokenizer)', () => {
    for (const t of TEXTS) expect(onnx.tokenize(t), JSON.stringify(t.slice(0, 40))).toEqual(tfjs.tokenize(t));
    expect(TEXTS.filter((t) => onnx.tokenize(t).length > 128)).toHaveLength(3);
  });

  it('gives the TF.js vectors (max abs diff ≤ 1e-4), long texts windowed the same way', async () => {
    const [a, b] = [await onnx.embed(TEXTS), await tfjs.embed(TEXTS)];
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-4);
    TEXTS.forEach((t, i) => expect(l2Norm(a[i]!)).toBeCloseTo(t === '' ? 0 : 1, 4));
  }, 120_000);

  it('does not depend on batch neighbours or batch size', async () => {
    const all = await onnx.embed(TEXTS);
    const one = [];
    for (const t of TEXTS.slice(0, 12)) one.push(...(await onnx.embed([t])));
    expect(maxAbsDiff(one, all.slice(0, 12))).toBeLessThan(1e-5);
  }, 60_000);

  it('windows long texts (recorded in stats and config), and truncation is opt-in with a warning', async () => {
    const warnings: string[] = [];
    const trunc = await UseLiteOnnxEmbedder.create({ longText: 'truncate', threads: 1, warn: (m) => warnings.push(m) });
    try {
      const text = TEXTS[TEXTS.length - 2]!;
      const before = onnx.stats();
      const [w] = await onnx.embed([text]);
      const [t] = await trunc.embed([text]);
      expect(onnx.stats().longTexts - before.longTexts).toBe(1);
      expect(onnx.stats().windows - before.windows).toBe(Math.ceil(onnx.tokenize(text).length / 128));
      expect(maxAbsDiff([w!], [t!])).toBeGreaterThan(1e-3);
      expect(warnings).toEqual(['use-lite: truncated 1 of 1 texts to 128 tokens']);
      expect(onnx.config).toEqual({ name: 'use-lite' });
      expect(trunc.config).toEqual({ name: 'use-lite', longText: 'truncate' });
      expect(onnx.cacheId).not.toBe(trunc.cacheId);
    } finally {
      await trunc.close();
    }
  }, 60_000);

  it('reports progress in texts, ending at the total', async () => {
    const seen: Progress[] = [];
    await onnx.embed(TEXTS.slice(0, 20), { onProgress: (p) => seen.push(p) });
    expect(seen.every((p) => p.unit === 'texts' && p.total === 20)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ status: 'done', done: 20 });
    const dones = seen.map((p) => p.done);
    expect(dones).toEqual([...dones].sort((x, y) => x - y));
  });

  it('throws E_CLOSED after close and E_BAD_CONFIG for a window over 128', async () => {
    const e = await UseLiteOnnxEmbedder.create({ threads: 1 });
    await e.close();
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(UseLiteOnnxEmbedder.create({ maxTokens: 512 })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });
});
