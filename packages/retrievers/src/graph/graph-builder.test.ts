import { SiftError } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { pageChunks, tableEmbedder } from './__fixtures__/film-corpus.js';
import { GraphBuilder } from './graph-builder.js';
import { encodeGraph } from './graph-format.js';
import { EDGE_MENTION, EDGE_TITLE, ENTITY_PHRASE, ENTITY_TITLE, type PassageGraph } from './passage-graph.js';

function edgesOf(g: PassageGraph, id: string): Record<string, number> {
  const p = g.passageIndex(id);
  const out: Record<string, number> = {};
  for (let k = g.pePtr[p]!; k < g.pePtr[p + 1]!; k++) out[g.entities[g.peIdx[k]!]!] = g.peKind[k]!;
  return out;
}

async function build(opts = {}): Promise<PassageGraph> {
  const b = GraphBuilder.create(opts);
  b.add(pageChunks());
  return b.build();
}

describe('GraphBuilder', () => {
  it('links each page to its title and to the names it mentions', async () => {
    const g = await build();
    expect(g.passageIds).toEqual(['ed-wood-film', 'tim-burton', 'johnny-depp', 'calarts', 'note']);
    expect(edgesOf(g, 'ed-wood-film')).toEqual({ 'ed wood': EDGE_TITLE, 'tim burton': EDGE_MENTION, 'johnny depp': EDGE_MENTION });
    expect(edgesOf(g, 'tim-burton')).toEqual({
      'tim burton': EDGE_TITLE,
      'timothy walter burton': EDGE_MENTION,
      'california institute of the arts': EDGE_MENTION,
    });
    expect(edgesOf(g, 'calarts')).toMatchObject({ 'california institute of the arts': EDGE_TITLE, 'santa clarita': EDGE_MENTION });
    // A page title that running text also writes as a capitalised phrase is both.
    expect(g.entityKinds[g.entities.indexOf('tim burton')]).toBe(ENTITY_TITLE | ENTITY_PHRASE);
    expect(g.entityKinds[g.entities.indexOf('johnny depp')]).toBe(ENTITY_TITLE | ENTITY_PHRASE);
    expect(g.entityKinds[g.entities.indexOf('note')]).toBe(ENTITY_TITLE);
    expect(g.entityKinds[g.entities.indexOf('santa clarita')]).toBe(ENTITY_PHRASE);
    expect(g.entityDf[g.entities.indexOf('tim burton')]).toBe(2);
  });

  it('leaves a passage with no names without edges (titles from metadata and first lines only)', async () => {
    const g = await build({ titles: ['metadata', 'first-line'] });
    expect(edgesOf(g, 'note')).toEqual({});
    // With doc-id titles (the default) the file name becomes its entity.
    expect(edgesOf(await build(), 'note')).toEqual({ note: EDGE_TITLE });
  });

  it('prefers metadata.title and shares a document title across its chunks', async () => {
    const b = GraphBuilder.create();
    const text = 'Intro\nFirst part names Rudy Giuliani. Second part names Meg Whitman.';
    b.add([
      { id: 'd#0', docId: 'd', text: text.slice(0, 37), start: 0, end: 37, tokenCount: 5, metadata: {} },
      { id: 'd#1', docId: 'd', text: text.slice(37), start: 37, end: text.length, tokenCount: 5, metadata: {} },
      { id: 'm#0', docId: 'm', text: 'No heading here', start: 0, end: 15, tokenCount: 3, metadata: { title: 'Meg Whitman (politician)' } },
    ]);
    const g = await b.build();
    expect(edgesOf(g, 'd#0')).toEqual({ intro: EDGE_TITLE, 'rudy giuliani': EDGE_MENTION });
    expect(edgesOf(g, 'd#1')).toEqual({ intro: EDGE_TITLE, 'meg whitman': EDGE_MENTION });
    expect(edgesOf(g, 'm#0')).toEqual({ 'meg whitman': EDGE_TITLE });
  });

  it('does not match a one-word name written in lowercase', async () => {
    const b = GraphBuilder.create();
    b.add([
      { id: 'a', docId: 'a', text: 'Paris\nParis is a city.', start: 0, end: 22, tokenCount: 4, metadata: {} },
      { id: 'b', docId: 'b', text: 'Tour\nHe went to Paris.', start: 0, end: 22, tokenCount: 4, metadata: {} },
      { id: 'c', docId: 'c', text: 'Plaster\nplaster of paris sets fast.', start: 0, end: 34, tokenCount: 5, metadata: {} },
    ]);
    const g = await b.build();
    expect(edgesOf(g, 'b')).toEqual({ tour: EDGE_TITLE, paris: EDGE_MENTION });
    expect(edgesOf(g, 'c')).toEqual({ plaster: EDGE_TITLE });
  });

  it('forgets removed passages', async () => {
    const b = GraphBuilder.create();
    b.add(pageChunks());
    b.remove(['tim-burton', 'unknown']);
    const g = await b.build();
    expect(g.passageIds).not.toContain('tim-burton');
    expect(g.entities).not.toContain('timothy walter burton');
    expect(g.entityDf[g.entities.indexOf('tim burton')]).toBe(1);
  });

  it('is deterministic', async () => {
    expect(encodeGraph(await build())).toEqual(encodeGraph(await build()));
  });

  it('adds symmetric synonym edges between close entity names when given an embedder', async () => {
    const b = GraphBuilder.create({ synonymThreshold: 0.95 });
    b.add(pageChunks());
    const embedder = tableEmbedder({ 'tim burton': [1, 0, 0], 'timothy walter burton': [0.99, 0.1, 0] });
    const g = await b.build({ embedder });
    const a = g.entities.indexOf('tim burton');
    const c = g.entities.indexOf('timothy walter burton');
    expect(c).toBeGreaterThanOrEqual(0);
    const syn = (e: number): number[] => [...g.eeIdx.slice(g.eePtr[e]!, g.eePtr[e + 1]!)];
    expect(syn(a)).toEqual([c]);
    expect(syn(c)).toEqual([a]);
    expect(g.eeIdx.length).toBe(2);
    expect(g.eeSim[g.eePtr[a]!]).toBeCloseTo(0.995, 2);
  });

  it('rejects duplicate chunk ids and bad options', async () => {
    const b = GraphBuilder.create();
    b.add(pageChunks());
    expect(() => b.add([pageChunks()[0]!])).toThrow(/"ed-wood-film" added twice/);
    expect(() => GraphBuilder.create({ maxPhraseWords: 0 })).toThrow(SiftError);
    expect(() => GraphBuilder.create({ nope: 1 } as never)).toThrow(/nope/);
  });

  it('reports progress in passages', async () => {
    const b = GraphBuilder.create();
    b.add(pageChunks());
    const seen: Array<{ status: string; done: number; total?: number; unit: string }> = [];
    await b.build({ onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toMatchObject({ status: 'done', done: 5, total: 5, unit: 'passages' });
  });

  it('stops on an aborted signal', async () => {
    const b = GraphBuilder.create();
    b.add(pageChunks());
    const embedder = tableEmbedder({});
    await expect(b.build({ embedder, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});
