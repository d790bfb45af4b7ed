import { createReadStream } from 'node:fs';
import { SiftError } from '@sift/core';

/** One sentence of the input: `docId`'s text.slice(start, end) === text (UTF-16 offsets). */
export interface SourceSentence {
  docId: string;
  start: number;
  end: number;
  text: string;
}

/** Text to read: a whole string, a stream of text pieces (concatenated in order), or a file path. */
export type InfiniRetriInput = string | Iterable<string> | AsyncIterable<string> | { path: string };

// A piece whose last word is one of these (or a single initial, "J.") is joined to the next one.
const ABBREVIATIONS = new Set(['dr', 'mr', 'mrs', 'ms', 'st', 'jr', 'sr', 'prof', 'gen', 'col', 'capt', 'rev', 'vs', 'etc', 'no', 'co', 'inc', 'ltd', 'fig', 'e.g', 'i.e', 'cf', 'al', 'approx', 'vol', 'pp', 'jan', 'feb', 'aug', 'sept', 'oct', 'nov', 'dec']);
// A run of text with no sentence end is cut at whitespace once it is this long, so memory stays bounded.
const MAX_SENTENCE_CHARS = 1 << 16;
const FULL_WIDTH_END = /[。！？]/u;
const isWs = (ch: string) => /\s/u.test(ch);

/**
 * InfiniRetri's split (pattern `(\n\n)|([。！？.?!])`, punctuation kept) as [start, end) pairs trimmed of outer
 * whitespace. ". ! ?" end a sentence only before whitespace (so "3.14" and "U.S.A" stay whole), closing quotes and
 * brackets stay with the sentence they close, a blank line always ends one, and a piece ending in an abbreviation or an
 * initial ("Dr.", "e.g.", "J.") is joined to the next. The reference protects abbreviations by joining any piece of
 * at most about 8 characters that ends in "."; a word list keeps short real sentences ("Yes.") apart.
 */
export function infiniSentenceSpans(text: string, from = 0, to = text.length): Array<[number, number]> {
  const raw: Array<[number, number]> = [];
  let start = from;
  const push = (end: number) => {
    let a = start;
    let b = end;
    while (a < b && isWs(text[a]!)) a++;
    while (b > a && isWs(text[b - 1]!)) b--;
    if (b > a) raw.push([a, b]);
    start = end;
  };
  for (let i = from; i < to; i++) {
    const ch = text[i]!;
    if (ch === '\n' && text[i + 1] === '\n') {
      push(i);
      while (i + 1 < to && isWs(text[i + 1]!)) i++;
      continue;
    }
    if (FULL_WIDTH_END.test(ch)) {
      push(i + 1);
      continue;
    }
    if (ch === '.' || ch === '!' || ch === '?') {
      let j = i + 1;
      while (j < to && /["'’”)\]}»]/u.test(text[j]!)) j++;
      if (j >= to || isWs(text[j]!)) {
        push(j);
        i = j - 1;
      }
    }
  }
  push(to);
  const out: Array<[number, number]> = [];
  for (const s of raw) {
    const prev = out[out.length - 1];
    if (prev && endsWithAbbreviation(text, prev[0], prev[1]) && !blankLineBetween(text, prev[1], s[0])) {
      prev[1] = s[1];
    } else out.push([s[0], s[1]]);
  }
  return out;
}

function endsWithAbbreviation(text: string, a: number, b: number): boolean {
  if (text[b - 1] !== '.') return false;
  let w = b - 1;
  while (w > a && !isWs(text[w - 1]!)) w--;
  const word = text.slice(w, b - 1).replace(/^["'‘“«(\[{]+/u, '');
  return ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word);
}

function blankLineBetween(text: string, a: number, b: number): boolean {
  return text.slice(a, b).split('\n').length > 2;
}

/**
 * Streams the sentences of `input` as `docId`'s sentences, holding back only the last (possibly unfinished) one: memory
 * stays bounded by the longest sentence (and MAX_SENTENCE_CHARS), whatever the input length.
 */
export async function* streamSentences(input: InfiniRetriInput, docId: string, signal?: AbortSignal): AsyncGenerator<SourceSentence> {
  let buf = '';
  let base = 0; // offset of buf[0] in the whole input
  for await (const piece of textPieces(input)) {
    if (signal?.aborted) return;
    if (typeof piece !== 'string') throw new SiftError('E_BAD_INPUT', `infiniretri input pieces must be strings, got ${typeof piece}`);
    buf += piece;
    const spans = infiniSentenceSpans(buf);
    // The last span may continue in the next piece; everything before it is final.
    let keepFrom = spans.length > 0 ? spans[spans.length - 1]![0] : buf.length;
    for (let i = 0; i + 1 < spans.length; i++) {
      const [a, b] = spans[i]!;
      yield { docId, start: base + a, end: base + b, text: buf.slice(a, b) };
    }
    if (buf.length - keepFrom > MAX_SENTENCE_CHARS) {
      const cut = lastWhitespace(buf, keepFrom + MAX_SENTENCE_CHARS, keepFrom) ?? keepFrom + MAX_SENTENCE_CHARS;
      const text = buf.slice(keepFrom, cut).trimEnd();
      if (text) yield { docId, start: base + keepFrom, end: base + keepFrom + text.length, text };
      keepFrom = cut;
    }
    buf = buf.slice(keepFrom);
    base += keepFrom;
  }
  for (const [a, b] of infiniSentenceSpans(buf)) yield { docId, start: base + a, end: base + b, text: buf.slice(a, b) };
}

function lastWhitespace(s: string, before: number, after: number): number | undefined {
  for (let i = before - 1; i > after; i--) if (isWs(s[i]!)) return i;
  return undefined;
}

async function* textPieces(input: InfiniRetriInput): AsyncGenerator<string> {
  if (typeof input === 'string') {
    yield input;
    return;
  }
  if (typeof input === 'object' && input !== null && 'path' in input && typeof input.path === 'string') {
    const stream = createReadStream(input.path, { encoding: 'utf8', highWaterMark: 1 << 16 });
    try {
      for await (const chunk of stream) yield chunk as string;
    } catch (err) {
      throw new SiftError('E_INPUT_UNREADABLE', `cannot read infiniretri input ${input.path}: ${(err as Error).message}`, { cause: err });
    }
    return;
  }
  yield* input as Iterable<string> | AsyncIterable<string>;
}
