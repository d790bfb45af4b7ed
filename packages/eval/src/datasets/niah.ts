import { z } from 'zod';
import { SiftError, type Document } from '@sift/core';
import type { DocSpan } from './qa-dataset.js';
import { randomInt, seededRandom } from './seeded-random.js';

/** Counts tokens the way context lengths are measured (cl100k in `sift eval`). */
export interface TokenCounter {
  count(text: string): number;
}

export const NiahOptionsSchema = z
  .object({
    lengths: z.array(z.number().int().min(64)).min(1).describe('Context lengths in tokens'),
    depths: z.array(z.number().min(0).max(100)).min(1).describe('Needle depths in percent of the context'),
    kind: z.enum(['single', 'multikey', 'multivalue']).default('single').describe("RULER's niah variants"),
    needles: z.number().int().min(2).max(16).default(4).describe('Needles per context for multikey/multivalue'),
    samples: z.number().int().min(1).default(3).describe('Contexts per (length, depth) cell'),
    seed: z.number().int().default(42),
  })
  .strict();
export type NiahOptions = z.input<typeof NiahOptionsSchema>;

/** One generated context with its question and the spans of the needles that answer it. */
export interface NiahSample {
  id: string;
  length: number;
  depth: number;
  document: Document;
  question: string;
  /** Needle spans the question asks for (one for single/multikey, all for multivalue). */
  gold: DocSpan[];
  answers: string[];
  /** Exact token count of the generated context. */
  tokens: number;
}

const ADJ = ['amber', 'brisk', 'cobalt', 'dusky', 'elfin', 'fervid', 'gilded', 'hazel', 'ivory', 'jaunty', 'knotty', 'lucid', 'mossy', 'nimble', 'opal', 'placid', 'quaint', 'russet', 'sable', 'tawny', 'umber', 'vivid', 'wispy', 'zesty'];
const NOUN = ['anvil', 'bramble', 'cormorant', 'dirigible', 'ember', 'fjord', 'gazebo', 'heron', 'inkwell', 'juniper', 'kestrel', 'lantern', 'marmot', 'nautilus', 'obelisk', 'parsnip', 'quarry', 'rampart', 'sextant', 'thistle', 'urchin', 'vellum', 'walrus', 'yarrow'];

const needleText = (key: string, value: string) => `One of the special magic numbers for ${key} is: ${value}.`;

/** Sentence-sized pieces (split after . ! ? followed by whitespace), each with its token count. */
function pieces(texts: readonly string[], counter: TokenCounter): Array<{ text: string; tokens: number }> {
  const out: Array<{ text: string; tokens: number }> = [];
  for (const t of texts) {
    for (const s of t.split(/(?<=[.!?])\s+/)) {
      const x = s.trim();
      if (x) out.push({ text: x, tokens: counter.count(` ${x}`) });
    }
  }
  return out;
}

/**
 * Needle-in-a-haystack contexts as RULER's niah builds them: haystack sentences until the context holds
 * `length` tokens, needles ("One of the special magic numbers for KEY is: VALUE.") inserted between sentences
 * at `depth`% of it. multikey adds needles with other keys as distractors at random depths; multivalue
 * places all values of one key, the first at `depth` and the rest spaced evenly after it (gkamradt's spacing).
 * Deterministic for a seed.
 */
export function generateNiah(haystack: readonly string[], counter: TokenCounter, options: NiahOptions): NiahSample[] {
  return [...iterateNiah(haystack, counter, options)];
}

/** Contexts `generateNiah` would build (lengths × depths × samples). */
export function niahSampleCount(options: NiahOptions): number {
  const o = NiahOptionsSchema.parse(options);
  return o.lengths.length * o.depths.length * o.samples;
}

/**
 * `generateNiah` one context at a time, in the same order and with the same contexts: only the context being read is
 * held (a 1M-token context is about 4 MB of text), whatever the grid. A haystack shorter than a length is read again
 * from its start (wrapping around), at most 64 times: the Paul Graham essays (about 150k cl100k tokens) make a 1M-token
 * context by repeating about 7 times, from a seeded starting sentence.
 */
export function* iterateNiah(haystack: readonly string[], counter: TokenCounter, options: NiahOptions): Generator<NiahSample> {
  const o = NiahOptionsSchema.parse(options);
  const all = pieces(haystack, counter);
  if (all.length === 0) throw new SiftError('E_DATASET_MALFORMED', 'NIAH haystack has no text');
  const rand = seededRandom(o.seed);
  for (const length of o.lengths) {
    for (const depth of o.depths) {
      for (let s = 0; s < o.samples; s++) {
        const usedKeys = new Set<string>();
        const newKey = () => {
          for (;;) {
            const k = `${ADJ[randomInt(rand, ADJ.length)]}-${NOUN[randomInt(rand, NOUN.length)]}`;
            if (!usedKeys.has(k)) {
              usedKeys.add(k);
              return k;
            }
          }
        };
        const newValue = () => String(1_000_000 + randomInt(rand, 9_000_000));
        const key = newKey();
        // needles: [text, depth%, isGold]
        const needles: Array<{ text: string; depth: number; gold: boolean; value: string }> = [];
        if (o.kind === 'single') {
          const v = newValue();
          needles.push({ text: needleText(key, v), depth, gold: true, value: v });
        } else if (o.kind === 'multikey') {
          const v = newValue();
          needles.push({ text: needleText(key, v), depth, gold: true, value: v });
          for (let i = 1; i < o.needles; i++) {
            const dv = newValue();
            needles.push({ text: needleText(newKey(), dv), depth: rand() * 100, gold: false, value: dv });
          }
        } else {
          for (let i = 0; i < o.needles; i++) {
            const v = newValue();
            needles.push({ text: needleText(key, v), depth: depth + (i * (100 - depth)) / o.needles, gold: true, value: v });
          }
        }
        let needleTokens = 0;
        for (const n of needles) needleTokens += counter.count(` ${n.text}`);
        const budget = Math.max(0, length - needleTokens);

        // Haystack window: sentences from a seeded starting point, wrapping around, until the budget is met.
        const hay: Array<{ text: string; tokens: number }> = [];
        let used = 0;
        let p = randomInt(rand, all.length);
        while (used < budget && hay.length < all.length * 64) {
          const piece = all[p % all.length]!;
          if (used + piece.tokens > budget && hay.length > 0) break;
          hay.push(piece);
          used += piece.tokens;
          p++;
        }
        // Insertion slot for each needle: the sentence boundary at or before depth% of the haystack tokens.
        const cum: number[] = [0];
        for (const h of hay) cum.push(cum[cum.length - 1]! + h.tokens);
        const slotOf = (d: number) => {
          const target = (d / 100) * used;
          let i = 0;
          while (i + 1 < cum.length && cum[i + 1]! <= target) i++;
          return d >= 100 ? hay.length : i;
        };
        const bySlot = new Map<number, typeof needles>();
        for (const n of needles) {
          const slot = slotOf(n.depth);
          const list = bySlot.get(slot) ?? [];
          list.push(n);
          bySlot.set(slot, list);
        }
        let text = '';
        const gold: DocSpan[] = [];
        const id = `niah-${o.kind}-${length}-${depth}-${s}`;
        const emit = (t: string) => {
          if (text.length > 0) text += ' ';
          const start = text.length;
          text += t;
          return start;
        };
        for (let i = 0; i <= hay.length; i++) {
          for (const n of bySlot.get(i) ?? []) {
            const start = emit(n.text);
            if (n.gold) gold.push({ docId: id, start, end: start + n.text.length });
          }
          if (i < hay.length) emit(hay[i]!.text);
        }
        const question =
          o.kind === 'multivalue'
            ? `What are all the special magic numbers for ${key} mentioned in the provided text?`
            : `What is the special magic number for ${key} mentioned in the provided text?`;
        yield {
          id,
          length,
          depth,
          document: { id, text, metadata: { length, depth, kind: o.kind } },
          question,
          gold,
          answers: needles.filter((n) => n.gold).map((n) => n.value),
          tokens: counter.count(text),
        };
      }
    }
  }
}
