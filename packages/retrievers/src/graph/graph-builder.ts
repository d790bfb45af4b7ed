import { notifyProgress, SiftError, throwIfAborted, yieldToEventLoop, type Chunk, type Embedder, type RunOptions } from '@sift/core';
import { z } from 'zod';
import { TOKEN_CAPITALISED, TOKEN_SENTENCE_START, tokenizeEntities } from './entity-tokens.js';
import { extractPhrases, type FlaggedWords } from './extract-phrases.js';
import { GraphBuildOptionsSchema, type GraphBuildOptions, type ResolvedGraphBuildOptions } from './graph-options.js';
import { EDGE_MENTION, EDGE_TITLE, ENTITY_PHRASE, ENTITY_TITLE, matchForms, mentionLooksNamed, PassageGraph } from './passage-graph.js';
import { passageTitle } from './passage-title.js';
import { synonymEdges } from './synonym-edges.js';
import { TokenTrie } from './token-trie.js';

interface StoredPassage {
  title: string;
  words: Int32Array;
  flags: Uint8Array;
}

const YIELD_EVERY = 1000;

/**
 * Collects passages (chunks) and builds their passage–entity graph. Entities are passage titles and
 * capitalised phrases; every passage is then scanned for every entity name with a token trie, so a passage
 * links to the pages it mentions even in words the phrase rules would miss. Passages are kept tokenised
 * (word ids and flags, not text) until `build`, because the dictionary is only complete once all are in.
 */
export class GraphBuilder {
  readonly options: ResolvedGraphBuildOptions;
  readonly #passages = new Map<string, StoredPassage>();
  readonly #docTitles = new Map<string, string>();
  readonly #vocab = new Map<string, number>();
  readonly #words: string[] = [];
  // Per word: lowercase uses and capitalised uses that do not open a sentence, to tell names from common words.
  #lower: Uint32Array = new Uint32Array(1024);
  #capMid: Uint32Array = new Uint32Array(1024);

  private constructor(options: ResolvedGraphBuildOptions) {
    this.options = options;
  }

  static create(options: GraphBuildOptions = {}): GraphBuilder {
    const parsed = GraphBuildOptionsSchema.safeParse(options);
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid graph options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    return new GraphBuilder(parsed.data);
  }

  get size(): number {
    return this.#passages.size;
  }

  has(id: string): boolean {
    return this.#passages.has(id);
  }

  /** Adds passages; a chunk id already present is E_BAD_INPUT. */
  add(chunks: readonly Chunk[]): void {
    chunks.forEach((c, i) => {
      if (typeof c?.id !== 'string' || typeof c.text !== 'string' || typeof c.docId !== 'string') {
        throw new SiftError('E_BAD_INPUT', `graph: chunks[${i}] is not a chunk (needs string id, docId and text)`, { details: { index: i } });
      }
      if (this.#passages.has(c.id)) {
        throw new SiftError('E_BAD_INPUT', `graph: chunk id "${c.id}" added twice`, { details: { chunkId: c.id } });
      }
      const title = passageTitle(c, this.options.titles, this.#docTitles);
      const toks = tokenizeEntities(c.text);
      const words = new Int32Array(toks.norm.length);
      toks.norm.forEach((w, j) => {
        const id = this.wordId(w);
        words[j] = id;
        this.count(id, toks.flags[j]!, 1);
      });
      this.#passages.set(c.id, { title, words, flags: toks.flags });
    });
  }

  /** Drops passages (documents replaced in an index); unknown ids are ignored. */
  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const p = this.#passages.get(id);
      if (!p) continue;
      p.words.forEach((w, j) => this.count(w, p.flags[j]!, -1));
      this.#passages.delete(id);
    }
  }

  /** Builds the graph over every passage added so far; `embedder` adds synonym edges between close entity names. */
  async build(opts: RunOptions & { embedder?: Embedder } = {}): Promise<PassageGraph> {
    const ids = [...this.#passages.keys()];
    const stored = [...this.#passages.values()];
    const isCommon = (w: string): boolean => {
      const id = this.#vocab.get(w);
      return id !== undefined && this.#lower[id]! > this.#capMid[id]!;
    };

    // 1. The entity dictionary: titles first, then phrases, each in passage order (ids are deterministic).
    const entityId = new Map<string, number>();
    const names: string[] = [];
    const kinds: number[] = [];
    const addEntity = (name: string, kind: number): number => {
      let id = entityId.get(name);
      if (id === undefined) {
        id = names.length;
        entityId.set(name, id);
        names.push(name);
        kinds.push(0);
      }
      kinds[id]! |= kind;
      return id;
    };
    const phrasesOf: number[][] = [];
    for (let i = 0; i < stored.length; i++) {
      const p = stored[i]!;
      if (p.title) addEntity(p.title, ENTITY_TITLE);
      const found: number[] = [];
      if (this.options.phrases) {
        const view: FlaggedWords = { length: p.words.length, word: (j) => this.#words[p.words[j]!]!, flags: (j) => p.flags[j]! };
        const opt = { singleWords: this.options.singleWordPhrases, maxWords: this.options.maxPhraseWords };
        for (const ph of extractPhrases(view, opt, isCommon)) found.push(addEntity(ph, ENTITY_PHRASE));
      }
      phrasesOf.push(found);
      if ((i + 1) % YIELD_EVERY === 0) await pause(opts.signal);
    }

    // 2. Scan every passage for every name.
    const trie = new TokenTrie();
    names.forEach((name, id) => {
      for (const form of matchForms(name)) trie.insert(form.map((w) => this.wordId(w)), id);
    });
    const rows: Array<Map<number, number>> = [];
    for (let i = 0; i < stored.length; i++) {
      const p = stored[i]!;
      const row = new Map<number, number>();
      for (const e of phrasesOf[i]!) row.set(e, EDGE_MENTION);
      trie.match(
        p.words,
        (e) => row.set(e, EDGE_MENTION),
        (_e, start, length) => mentionLooksNamed(p.flags, start, length),
        this.options.mentions,
      );
      // A passage is the page of its own title, whatever else it mentions.
      if (p.title) row.set(entityId.get(p.title)!, EDGE_TITLE);
      rows.push(row);
      if ((i + 1) % YIELD_EVERY === 0) {
        notifyProgress(opts.onProgress, { status: 'progress', done: i + 1, total: stored.length, unit: 'passages', message: 'entity graph' });
        await pause(opts.signal);
      }
    }
    notifyProgress(opts.onProgress, { status: 'done', done: stored.length, total: stored.length, unit: 'passages', message: 'entity graph' });

    // 3. CSR, keeping only entities some passage links to, renumbered in order.
    const used = new Uint8Array(names.length);
    for (const row of rows) for (const e of row.keys()) used[e] = 1;
    const renumber = new Int32Array(names.length).fill(-1);
    const entities: string[] = [];
    const entityKinds: number[] = [];
    names.forEach((n, e) => {
      if (!used[e]) return;
      renumber[e] = entities.length;
      entities.push(n);
      entityKinds.push(kinds[e]!);
    });
    const pePtr = new Uint32Array(rows.length + 1);
    let edges = 0;
    rows.forEach((r, i) => {
      edges += r.size;
      pePtr[i + 1] = edges;
    });
    const peIdx = new Uint32Array(edges);
    const peKind = new Uint8Array(edges);
    rows.forEach((r, i) => {
      const sorted = [...r.entries()].map(([e, k]) => [renumber[e]!, k] as const).sort((a, b) => a[0] - b[0]);
      sorted.forEach(([e, k], j) => {
        peIdx[pePtr[i]! + j] = e;
        peKind[pePtr[i]! + j] = k;
      });
    });

    const syn = opts.embedder
      ? await synonymEdges(entities, opts.embedder, { threshold: this.options.synonymThreshold, maxPerEntity: this.options.maxSynonyms }, opts)
      : { ptr: new Uint32Array(entities.length + 1), idx: new Uint32Array(0), sim: new Float32Array(0) };
    throwIfAborted(opts.signal);
    return new PassageGraph({
      options: this.options,
      passageIds: ids,
      entities,
      entityKinds: Uint8Array.from(entityKinds),
      pePtr,
      peIdx,
      peKind,
      eePtr: syn.ptr,
      eeIdx: syn.idx,
      eeSim: syn.sim,
    });
  }

  private wordId(w: string): number {
    let id = this.#vocab.get(w);
    if (id === undefined) {
      id = this.#words.length;
      this.#vocab.set(w, id);
      this.#words.push(w);
      if (id >= this.#lower.length) {
        const grow = (a: Uint32Array): Uint32Array => {
          const b = new Uint32Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.#lower = grow(this.#lower);
        this.#capMid = grow(this.#capMid);
      }
    }
    return id;
  }

  private count(id: number, flags: number, delta: 1 | -1): void {
    if (!(flags & TOKEN_CAPITALISED)) this.#lower[id]! += delta;
    else if (!(flags & TOKEN_SENTENCE_START)) this.#capMid[id]! += delta;
  }
}

async function pause(signal: AbortSignal | undefined): Promise<void> {
  await yieldToEventLoop();
  throwIfAborted(signal);
}
