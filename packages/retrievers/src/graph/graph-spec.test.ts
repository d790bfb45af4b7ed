import { SiftError } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { createRetriever } from '../create-retriever.js';
import { parseRetrieverSpec } from '../parse-retriever-spec.js';
import { pageChunks } from './__fixtures__/film-corpus.js';
import { GraphRetriever } from './graph-retriever.js';

const isCode = (code: string, re?: RegExp) => (e: unknown) => SiftError.isInstance(e) && e.code === code && (re === undefined || re.test(e.message));

describe('graph retriever spec', () => {
  it('accepts graph:<first> as a string or as the retriever name, with options', () => {
    expect(parseRetrieverSpec('graph:bm25')).toMatchObject({ retriever: 'graph', first: { retriever: 'bm25' }, damping: 0.8 });
    expect(parseRetrieverSpec({ retriever: 'graph:hybrid', damping: 0.5 })).toMatchObject({
      retriever: 'graph',
      first: { retriever: 'hybrid' },
      damping: 0.5,
    });
    expect(parseRetrieverSpec({ retriever: 'graph', first: { retriever: 'bm25', stem: false } })).toMatchObject({ first: { retriever: 'bm25', stem: false } });
    expect(parseRetrieverSpec({ retriever: 'graph' })).toMatchObject({ first: { retriever: 'bm25' } });
    expect(parseRetrieverSpec('bm25')).toMatchObject({ retriever: 'bm25' });
  });

  it('validates the first stage and the graph options', () => {
    expect(() => parseRetrieverSpec('graph:nope')).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_COMPONENT' }));
    expect(() => parseRetrieverSpec({ retriever: 'graph', first: { retriever: 'bm25', b: 3 } })).toThrow(/Invalid bm25/);
    expect(() => parseRetrieverSpec({ retriever: 'graph', first: 'graph:bm25' })).toThrow(/another graph/);
    try {
      parseRetrieverSpec({ retriever: 'graph:bm25', damping: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isCode('E_BAD_CONFIG', /damping/)(e)).toBe(true);
    }
    expect(() => parseRetrieverSpec({ retriever: 'graph:bm25', hops: 2 })).toThrow(/hops/);
  });

  it('createRetriever builds a graph retriever over the first stage', async () => {
    const chunks = pageChunks();
    const r = await createRetriever('graph:bm25', chunks);
    expect(r).toBeInstanceOf(GraphRetriever);
    expect(r.name).toBe('graph:bm25');
    const hits = await r.retrieve('Which school did the director of Ed Wood attend?', 3);
    expect(hits.map((h) => h.id)).toContain('tim-burton');
    await expect(createRetriever('graph:dense', chunks)).rejects.toSatisfy(isCode('E_BAD_CONFIG', /embedder/));
  });
});
