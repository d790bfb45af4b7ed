import type { Chunk } from '@sift/core';
import type { TitleSource } from './graph-options.js';
import { normalizeEntity } from './normalize-entity.js';

const MAX_TITLE_CHARS = 120;
const MAX_TITLE_WORDS = 14;

/**
 * The short heading line that opens a text ("Ed Wood (film)\nEd Wood is a 1994…", "# Setup\n…"), or undefined:
 * a first line of at most 14 words that does not read as a sentence and is followed by more text.
 */
export function headingLine(text: string): string | undefined {
  const nl = text.indexOf('\n');
  if (nl <= 0 || nl > MAX_TITLE_CHARS * 2 || text.slice(nl + 1).trim().length === 0) return undefined;
  const line = text.slice(0, nl).replace(/^\s*(?:#{1,6}\s+|[*_=]+\s*)/, '').replace(/[*_=#\s]+$/, '').trim();
  if (line.length === 0 || line.length > MAX_TITLE_CHARS || /[.!?,;:]$/.test(line)) return undefined;
  if (line.split(/\s+/).length > MAX_TITLE_WORDS) return undefined;
  return line;
}

/** "notes/graph-theory.md" → "graph-theory"; prefixes such as "2wiki:" and extensions are dropped. */
export function docIdName(docId: string): string {
  const base = docId.split(/[\\/]/).pop() ?? docId;
  return base.replace(/^[A-Za-z0-9_-]+:(?=\S)/, '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
}

/**
 * The normalised title of the document a chunk belongs to ("" when none is found), trying `sources` in order.
 * `docTitles` remembers titles by docId, so later chunks of a document share the one its opening chunk showed.
 */
export function passageTitle(chunk: Chunk, sources: readonly TitleSource[], docTitles: Map<string, string>): string {
  const known = docTitles.get(chunk.docId);
  for (const source of sources) {
    let raw: string | undefined;
    if (source === 'metadata') {
      const t = chunk.metadata?.title;
      raw = typeof t === 'string' ? t : undefined;
    } else if (source === 'first-line') {
      if (chunk.start === 0) raw = headingLine(chunk.text);
      else if (known !== undefined) return known;
    } else {
      raw = docIdName(chunk.docId);
    }
    const title = raw === undefined ? '' : normalizeEntity(raw);
    if (title.length > 0) {
      if (source !== 'metadata') docTitles.set(chunk.docId, title);
      return title;
    }
  }
  return '';
}
