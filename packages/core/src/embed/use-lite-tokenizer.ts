// USE-lite's SentencePiece (unigram) tokenizer in TypeScript: the same pieces and ids as the TF.js path
// (@energetic-ai/embeddings' Tokenizer, itself a port of tfjs-models' universal-sentence-encoder tokenizer,
// Apache-2.0), including its quirks, so that the ONNX path sees exactly the ids the TF.js path sees. The reference
// slices the remaining text at every position (quadratic); this walks the trie in place instead.
import { readFile } from 'node:fs/promises';
import { SiftError } from '../errors.js';

const SEPARATOR = '\u2581';
/** Ids 0–5 are <unk>-like reserved symbols, never matched by the trie. */
const RESERVED = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary index of the piece ending here, or -1. */
  index: number;
  score: number;
  /** The piece's length in code points. */
  length: number;
}

const newNode = (length: number): TrieNode => ({ children: new Map(), index: -1, score: 0, length });

export class UseLiteTokenizer {
  readonly #vocab: ReadonlyArray<readonly [string, number]>;
  readonly #root = newNode(0);

  constructor(vocab: ReadonlyArray<readonly [string, number]>) {
    this.#vocab = vocab;
    for (let i = RESERVED; i < vocab.length; i++) {
      let node = this.#root;
      let depth = 0;
      for (const ch of vocab[i]![0]) {
        depth++;
        let next = node.children.get(ch);
        if (!next) {
          next = newNode(depth);
          node.children.set(ch, next);
        }
        node = next;
      }
      if (depth > 0) {
        node.index = i;
        node.score = vocab[i]![1];
      }
    }
  }

  /** Reads the `vocab.json` ([piece, score] pairs) that ships beside USE-lite's model.json. */
  static async fromFile(file: string): Promise<UseLiteTokenizer> {
    let vocab: unknown;
    try {
      vocab = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new SiftError('E_MODEL_MISSING', `Cannot read the USE-lite vocabulary ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
    }
    const ok = (v: unknown) => Array.isArray(v) && typeof v[0] === 'string' && (typeof v[1] === 'number' || v[1] === null);
    if (!Array.isArray(vocab) || vocab.length <= RESERVED || !vocab.every(ok)) {
      throw new SiftError('E_MODEL_MALFORMED', `${file} is not a USE-lite vocabulary ([piece, score] pairs)`, { details: { file } });
    }
    // A few pieces (':', '://', emoticons) have a null score, which the reference's arithmetic reads as 0.
    return new UseLiteTokenizer((vocab as Array<[string, number | null]>).map(([p, sc]) => [p, sc ?? 0] as const));
  }

  get vocabSize(): number {
    return this.#vocab.length;
  }

  /** The vocabulary piece of an id (▁ marks a word start). */
  piece(id: number): string {
    return this.#vocab[id]?.[0] ?? '';
  }

  /** Ids of `text`: NFKC, spaces → ▁ with a leading ▁, then the best-scoring segmentation; runs of unknowns merge to one 0. */
  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const symbols = Array.from(SEPARATOR + normalized.replace(/ /g, SEPARATOR));
    const n = symbols.length;
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    // Candidates ending at each position, in the order the reference visits them: by start ascending.
    const ending: Array<Array<{ start: number; index: number; score: number; len: number }>> = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.#root.children.get(symbols[i]!);
      let found = false;
      for (let j = i; j < n && node; j++) {
        if (node.index >= 0) {
          ending[j + 1]!.push({ start: i, index: node.index, score: node.score, len: node.length });
          found = true;
        }
        node = node.children.get(symbols[j + 1]!);
      }
      // An unmatched symbol becomes the unknown piece (id 0, score 0), one symbol long.
      if (!found) ending[i + 1]!.push({ start: i, index: 0, score: 0, len: 1 });
    }
    for (let end = 0; end <= n; end++) {
      const cands = ending[end]!.sort((a, b) => a.start - b.start);
      for (const c of cands) {
        const score = c.score + best[end - c.len]!;
        // The reference's test, kept verbatim: 0 doubles as "unset", and later ties win.
        if (best[end] === 0 || score >= best[end]!) {
          best[end] = score;
          words[end] = c.index;
        }
      }
    }
    const reversed: number[] = [];
    // Walking back by the piece's UTF-16 length, as the reference does.
    for (let at = n; at > 0; at -= this.#vocab[words[at]!]![0].length) reversed.push(words[at]!);
    const out: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      if (!(previousUnknown && id === 0)) out.push(id);
      previousUnknown = id === 0;
    }
    return out.reverse();
  }
}
