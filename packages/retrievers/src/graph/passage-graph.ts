import { SiftError } from '@sift/core';
import { ENTITY_STOP_WORDS } from './entity-stopwords.js';
import { TOKEN_CAPITALISED, TOKEN_DIGIT, tokenizeEntities } from './entity-tokens.js';
import type { ResolvedGraphBuildOptions } from './graph-options.js';
import { TokenTrie } from './token-trie.js';

/** Edge kinds between a passage and an entity. */
export const EDGE_TITLE = 1;
export const EDGE_MENTION = 2;

/** Entity kind bits: named by a passage title, and/or found as a capitalised phrase. */
export const ENTITY_TITLE = 1;
export const ENTITY_PHRASE = 2;

/** The arrays that make a passage–entity graph (what graph.bin stores). */
export interface PassageGraphData {
  options: ResolvedGraphBuildOptions;
  /** Chunk ids, one per passage node. */
  passageIds: string[];
  /** Normalised entity names, one per entity node. */
  entities: string[];
  entityKinds: Uint8Array;
  /** Passage → entity edges (CSR): entities of passage p are peIdx[pePtr[p] .. pePtr[p+1]), kinds in peKind. */
  pePtr: Uint32Array;
  peIdx: Uint32Array;
  peKind: Uint8Array;
  /** Synonym edges between entities (CSR, symmetric), with their cosine similarity. Empty without an embedder. */
  eePtr: Uint32Array;
  eeIdx: Uint32Array;
  eeSim: Float32Array;
}

/**
 * A bipartite graph of passages and the entities they mention, in CSR typed arrays. Immutable; `GraphBuilder`
 * makes one from chunks, `decodeGraph` from graph.bin. Also finds the entities a query names.
 */
export class PassageGraph {
  readonly options: ResolvedGraphBuildOptions;
  readonly passageIds: readonly string[];
  readonly entities: readonly string[];
  readonly entityKinds: Uint8Array;
  readonly pePtr: Uint32Array;
  readonly peIdx: Uint32Array;
  readonly peKind: Uint8Array;
  readonly eePtr: Uint32Array;
  readonly eeIdx: Uint32Array;
  readonly eeSim: Float32Array;
  /** Number of passages each entity is linked to. */
  readonly entityDf: Uint32Array;
  /** Entity → passage edges (the transpose of pe*), for walking and explaining. */
  readonly epPtr: Uint32Array;
  readonly epIdx: Uint32Array;
  readonly epKind: Uint8Array;
  readonly #rowOf = new Map<string, number>();
  #matcher: EntityMatcher | undefined;

  constructor(data: PassageGraphData) {
    checkShape(data);
    this.options = data.options;
    this.passageIds = data.passageIds;
    this.entities = data.entities;
    this.entityKinds = data.entityKinds;
    this.pePtr = data.pePtr;
    this.peIdx = data.peIdx;
    this.peKind = data.peKind;
    this.eePtr = data.eePtr;
    this.eeIdx = data.eeIdx;
    this.eeSim = data.eeSim;
    data.passageIds.forEach((id, i) => {
      if (this.#rowOf.has(id)) throw new SiftError('E_INDEX_CORRUPT', `graph: passage id "${id}" appears twice`);
      this.#rowOf.set(id, i);
    });
    const e = data.entities.length;
    const df = new Uint32Array(e);
    for (const x of data.peIdx) df[x]!++;
    this.entityDf = df;
    const epPtr = new Uint32Array(e + 1);
    for (let i = 0; i < e; i++) epPtr[i + 1] = epPtr[i]! + df[i]!;
    const fill = epPtr.slice(0, e);
    const epIdx = new Uint32Array(data.peIdx.length);
    const epKind = new Uint8Array(data.peIdx.length);
    // Passages are visited in order, so each entity's passage list comes out sorted.
    for (let p = 0; p < data.passageIds.length; p++) {
      for (let k = data.pePtr[p]!; k < data.pePtr[p + 1]!; k++) {
        const at = fill[data.peIdx[k]!]!++;
        epIdx[at] = p;
        epKind[at] = data.peKind[k]!;
      }
    }
    this.epPtr = epPtr;
    this.epIdx = epIdx;
    this.epKind = epKind;
  }

  get passageCount(): number {
    return this.passageIds.length;
  }

  get entityCount(): number {
    return this.entities.length;
  }

  get edgeCount(): number {
    return this.peIdx.length;
  }

  /** The passage node of a chunk id, or -1. */
  passageIndex(id: string): number {
    return this.#rowOf.get(id) ?? -1;
  }

  /** Entity ids named in `text` (distinct, in order of first mention). */
  findEntities(text: string): number[] {
    this.#matcher ??= new EntityMatcher(this.entities);
    return this.#matcher.find(text);
  }
}

/** Looks up entity names in new text with the same rules the builder used for passages. */
export class EntityMatcher {
  readonly #vocab = new Map<string, number>();
  readonly #trie = new TokenTrie();

  constructor(entities: readonly string[]) {
    entities.forEach((name, id) => {
      for (const form of matchForms(name)) this.#trie.insert(form.map((w) => this.tokenId(w)), id);
    });
  }

  find(text: string): number[] {
    const toks = tokenizeEntities(text);
    const ids = toks.norm.map((w) => this.#vocab.get(w) ?? -1);
    const found: number[] = [];
    const seen = new Set<number>();
    this.#trie.match(
      ids,
      (v) => {
        if (!seen.has(v)) {
          seen.add(v);
          found.push(v);
        }
      },
      (_v, start, length) => mentionLooksNamed(toks.flags, start, length),
    );
    return found;
  }

  private tokenId(word: string): number {
    let id = this.#vocab.get(word);
    if (id === undefined) {
      id = this.#vocab.size;
      this.#vocab.set(word, id);
    }
    return id;
  }
}

/**
 * The word sequence under which an entity is looked up in text (none for a lone stop word or a single short
 * word, so a film called "It" does not match every "it"). Names are stored without a leading "the", and the
 * leftmost-longest scan then finds "the Beatles" as "beatles" too.
 */
export function matchForms(name: string): string[][] {
  const words = name.split(' ').filter((w) => w.length > 0);
  const ok = words.length > 1 ? !words.every((w) => ENTITY_STOP_WORDS.has(w)) : words.length === 1 && words[0]!.length >= 2 && !ENTITY_STOP_WORDS.has(words[0]!);
  return ok ? [words] : [];
}

/** A dictionary match counts only if it looks like a name: a capitalised or numeric word somewhere, and a single word capitalised. */
export function mentionLooksNamed(flags: Uint8Array, start: number, length: number): boolean {
  if (length === 1) return (flags[start]! & TOKEN_CAPITALISED) !== 0;
  for (let i = start; i < start + length; i++) if (flags[i]! & (TOKEN_CAPITALISED | TOKEN_DIGIT)) return true;
  return false;
}

function checkShape(d: PassageGraphData): void {
  const bad = (why: string): SiftError => new SiftError('E_INDEX_CORRUPT', `graph: ${why}`);
  const p = d.passageIds.length;
  const e = d.entities.length;
  if (d.pePtr.length !== p + 1 || d.pePtr[0] !== 0 || d.pePtr[p] !== d.peIdx.length) throw bad('passage edge offsets do not match the passage count');
  if (d.peKind.length !== d.peIdx.length) throw bad('edge kinds do not match the edge count');
  if (d.entityKinds.length !== e) throw bad('entity kinds do not match the entity count');
  for (let i = 0; i < p; i++) if (d.pePtr[i]! > d.pePtr[i + 1]!) throw bad(`passage edge offsets decrease at ${i}`);
  for (const x of d.peIdx) if (x >= e) throw bad(`edge to entity ${x} of ${e}`);
  if (d.eePtr.length !== e + 1 || d.eePtr[0] !== 0 || d.eePtr[e] !== d.eeIdx.length || d.eeSim.length !== d.eeIdx.length) {
    throw bad('synonym edge offsets do not match the entity count');
  }
  for (let i = 0; i < e; i++) if (d.eePtr[i]! > d.eePtr[i + 1]!) throw bad(`synonym edge offsets decrease at ${i}`);
  for (const x of d.eeIdx) if (x >= e) throw bad(`synonym edge to entity ${x} of ${e}`);
}
