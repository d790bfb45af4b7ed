import { SiftError, type ScoredChunk } from '@sift/core';
import type { PipelineConfig } from '@sift/pipeline';
import { InfiniRetri, loadAttentionLM, parseRetrieverSpec, streamSentences } from '@sift/retrievers';
import type { CliContext } from '../cli-context.js';
import { resolveArg } from '../paths.js';

/**
 * `sift query "<q>" --input FILE --retriever infiniretri`: reads one file of any length as a stream of sentences with
 * InfiniRetri (no index) and returns the retained sentences, best first (at most k), with offsets into the file.
 */
export async function queryInputFile(ctx: CliContext, query: string, file: string, config: PipelineConfig): Promise<ScoredChunk[]> {
  const spec = parseRetrieverSpec(config.retriever ?? 'infiniretri');
  if (spec.retriever !== 'infiniretri' || spec.first !== undefined) {
    throw new SiftError('E_BAD_CONFIG', `sift query --input reads one file with --retriever infiniretri, not ${JSON.stringify(config.retriever)}`, {
      details: { key: 'retriever' },
    });
  }
  const { retriever: _r, lm: lmName, first: _f, firstK: _k, threads, ...options } = spec;
  const path = resolveArg(ctx.io, file);
  const lm = await loadAttentionLM(lmName, threads === undefined ? {} : { threads });
  try {
    const t0 = performance.now();
    const result = await new InfiniRetri(lm, options).run(query, streamSentences({ path }, file, ctx.signal), { signal: ctx.signal });
    const seconds = (performance.now() - t0) / 1000;
    ctx.io.stderr.write(
      `sift: infiniretri read ${result.tokensRead} tokens of ${file} in ${result.passes} passes (${Math.round(result.tokensRead / Math.max(seconds, 1e-9))} tokens/s) and retained ${result.retained.length} sentences\n`,
    );
    return result.retained
      .sort((a, b) => b.score - a.score)
      .slice(0, config.k ?? 10)
      .map((s) => ({ id: `${s.docId}@${s.start}-${s.end}`, docId: s.docId, text: s.text, start: s.start, end: s.end, tokenCount: s.tokenCount, metadata: {}, score: s.score }));
  } finally {
    await lm.close();
  }
}
