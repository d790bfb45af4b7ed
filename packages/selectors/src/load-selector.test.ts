import { describe, expect, it } from 'vitest';
import { Bm25Reranker } from './bm25-reranker.js';
import { createReranker, parseRerankerSpec } from './create-reranker.js';
import { createLlm } from './create-llm.js';
import { loadSelector } from './load-selector.js';
import { scored } from './__fixtures__/scored-chunk.js';

const cands = [
  scored('a', 9, 'eiffel tower paris', 30),
  scored('b', 8.9, 'eiffel tower', 30),
  scored('c', 1, 'garden rain', 30),
];

describe('loadSelector', () => {
  it('builds every selector by name or spec', async () => {
    expect((await loadSelector({ name: 'topk', k: 1 })).name).toBe('topk');
    expect((await loadSelector('budget')).name).toBe('budget');
    const sage = await loadSelector({ name: 'sage', reranker: 'none', minK: 1, maxK: 5, g: 1.5, cut: 'first' });
    expect((await sage.select('eiffel', cands)).chunks.map((c) => c.id)).toEqual(['a', 'b']);
    expect((await (await loadSelector('sage')).select('eiffel', cands)).trace).toMatchObject({ reranker: 'first-stage' });
    const sageBm25 = await loadSelector({ name: 'sage', reranker: 'bm25', maxK: 3 });
    expect((await sageBm25.select('eiffel tower paris', cands)).trace).toMatchObject({ reranker: expect.stringMatching(/^bm25/) });
    const corag = await loadSelector({ name: 'corag', budget: 60, iterations: 5, seed: 3 });
    const s = await corag.select('eiffel tower paris', cands);
    expect(s.tokens).toBeLessThanOrEqual(60);
    expect(s.trace).toMatchObject({ utility: expect.stringMatching(/bm25/), budget: 60 });
  });

  it('deps.reranker is used when the spec names none', async () => {
    const r = new Bm25Reranker({ k1: 2 });
    const sel = await loadSelector({ name: 'sage' }, { reranker: r });
    await sel.select('eiffel', cands);
    expect(r.calls).toBe(3);
  });

  it('unknown names and bad keys fail clearly; feedback without an LLM is a config error', async () => {
    await expect(loadSelector({ name: 'nope' } as never)).rejects.toMatchObject({ code: 'E_UNKNOWN_COMPONENT' });
    await expect(loadSelector({ name: 'corag', budgt: 5 } as never)).rejects.toThrow(/budgt/);
    await expect(loadSelector({ name: 'sage', g: -1 })).rejects.toThrow(/"g"/);
    await expect(loadSelector({ name: 'sage', feedback: {} })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    await expect(loadSelector({ name: 'sage', reranker: 'colbert' })).rejects.toMatchObject({ code: 'E_UNKNOWN_COMPONENT' });
    await expect(loadSelector({ name: 'sage', reranker: 'cross-encoder:/nonexistent/ce' })).rejects.toMatchObject({ code: 'E_MODEL_MISSING' });
  });

  it('sage feedback can name its LLM in the spec', async () => {
    const sel = await loadSelector({ name: 'sage', feedback: { maxIterations: 1, llm: { name: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' } } });
    // Port 9 (discard) is closed on the loopback: the call fails with the server named, proving the LLM is wired in.
    await expect(sel.select('q', cands)).rejects.toThrow(/127\.0\.0\.1:9/);
  });
});

describe('reranker and LLM specs', () => {
  it('parses names and shorthands', async () => {
    expect(parseRerankerSpec('cross-encoder:/models/ms-marco')).toEqual({ name: 'cross-encoder', model: '/models/ms-marco' });
    expect((await createReranker({ name: 'bm25', k1: 0.9 })).id).toBe('bm25:k1=0.9:b=0.75');
    expect(() => parseRerankerSpec({ name: 'bm25', k: 1 } as never)).toThrow(/"k"|k/);
    await expect(createLlm({ name: 'gpt' } as never)).rejects.toMatchObject({ code: 'E_UNKNOWN_COMPONENT' });
    expect((await createLlm({ name: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen' })).id).toBe('openai:qwen@http://127.0.0.1:8000/v1');
  });
});
