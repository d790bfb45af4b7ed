import type { EvalReport } from '../eval-report.js';
import { describeSpec, formatMetric } from './format.js';

const FIRST_BUDGET_KEYS = new Set(['recall', 'answer_in_context', 'tokens_per_query']);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** report.md: the same facts as report.json, as tables a person can read in a terminal or a pull request. */
export function renderMarkdown(r: EvalReport): string {
  const s: string[] = [];
  s.push(`# Sift eval: ${r.dataset} (${r.task})`, '');
  s.push(`${r.n} ${r.task === 'segmentation' ? 'documents' : r.task === 'niah' ? 'contexts' : 'questions'} · ${r.meta.created} · ${(r.meta.elapsed_ms / 1000).toFixed(1)} s`, '');
  // With a Budgets table, the budgets and the first budget's figures (restated as plain metrics) appear there only.
  const byBudget = r.task === 'retrieval' && (r.budgets?.length ?? 0) > 0;
  const pipelineRows = Object.entries(r.pipeline).filter(([k]) => !(byBudget && (k === 'budgets' || k === 'budget')));
  const metricRows = Object.entries(r.metrics).filter(([k]) => !(byBudget && FIRST_BUDGET_KEYS.has(k)));
  s.push('## Pipeline', '', table(['component', 'value'], pipelineRows.map(([k, v]) => [k, describeSpec(v)])), '');
  s.push('## Metrics', '', table(['metric', 'value'], metricRows.map(([k, v]) => [k, formatMetric(k, v)])), '');
  if (r.curve?.length) {
    s.push('## Recall curve', '', table(['k', 'recall', 'all gold', 'answer in context', 'tokens'], r.curve.map((p) => [String(p.k), formatMetric('r', p.recall), formatMetric('r', p.all_gold), formatMetric('r', p.answer_in_context), formatMetric('t', p.tokens)])), '');
  }
  if (r.budgets?.length) {
    const bySelector = r.budgets.some((b) => b.selector !== undefined);
    s.push(
      '## Budgets',
      '',
      table(
        [...(bySelector ? ['selector'] : []), 'budget', r.task === 'chunking' ? 'evidence recall' : 'recall', 'answer in context', 'tokens per query'],
        r.budgets.map((b) => [...(bySelector ? [b.selector ?? ''] : []), String(b.budget), formatMetric('r', b.evidence_recall ?? b.recall), formatMetric('r', b.answer_in_context), formatMetric('t', b.tokens_per_query)]),
      ),
      '',
    );
  }
  if (r.grid?.length) {
    const lengths = [...new Set(r.grid.map((c) => c.length))].sort((a, b) => a - b);
    const depths = [...new Set(r.grid.map((c) => c.depth))].sort((a, b) => a - b);
    const at = new Map(r.grid.map((c) => [`${c.depth}|${c.length}`, c.accuracy]));
    s.push('## NIAH accuracy (rows: depth %, columns: length in tokens)', '', table(['depth \\ length', ...lengths.map(String)], depths.map((d) => [String(d), ...lengths.map((l) => formatMetric('a', at.get(`${d}|${l}`)))])), '');
    if (r.grid.some((c) => c.context_tokens !== undefined)) {
      s.push(
        '## NIAH cells',
        '',
        table(
          ['length', 'depth %', 'accuracy', 'n', 'haystack tokens', 'retrieved tokens (context)', 'seconds per context'],
          r.grid.map((c) => [String(c.length), String(c.depth), formatMetric('a', c.accuracy), String(c.n), String(Math.round(c.tokens)), c.context_tokens === undefined ? '–' : String(Math.round(c.context_tokens)), c.seconds === undefined ? '–' : c.seconds.toFixed(1)]),
        ),
        '',
      );
    }
  }
  if (r.subsets?.length) {
    const pub = (x: { published?: Readonly<Record<string, number>> }, k: string) => formatMetric('p', x.published?.[k]);
    s.push(
      '## Subsets',
      '',
      table(
        ['subset', 'n', 'Pk', 'WindowDiff', 'Pk no boundaries', 'Pk all boundaries', 'Table.txt: C99 known k', 'C99 unknown k', 'TextTiling', 'no boundaries'],
        r.subsets.map((x) => [x.subset, String(x.n), formatMetric('p', x.pk), formatMetric('p', x.windowdiff), formatMetric('p', x.pk_no_boundaries), formatMetric('p', x.pk_all_boundaries), pub(x, 'c99_known_k'), pub(x, 'c99_unknown_k'), pub(x, 'texttiling'), pub(x, 'no_boundaries')]),
      ),
      '',
    );
  }
  if (r.baselines) {
    s.push('## Reference checks', '', table(['hypothesis', 'Pk', 'WindowDiff'], Object.entries(r.baselines).map(([k, v]) => [k.replace(/_/g, ' '), formatMetric('p', v.pk), formatMetric('p', v.windowdiff)])), '');
  }
  if (r.documents?.length) {
    s.push('## Documents', '', table(['document', 'sentences', 'segments', 'predicted', 'k', 'Pk', 'WindowDiff'], r.documents.map((d) => [d.id, String(d.sentences), String(d.segments), String(d.predicted_segments), String(d.window), formatMetric('p', d.pk), formatMetric('p', d.windowdiff)])), '');
  }
  if (r.items?.length) {
    const missed = r.items.filter((i) => i.gold.length > 0 && i.hits.length < i.gold.length);
    s.push(`## Questions with gold missing from the top 10 (${missed.length} of ${r.items.length}; all questions are in report.json)`, '');
    if (missed.length > 0) s.push(table(['question', 'gold', 'found'], missed.slice(0, 50).map((i) => [i.id, i.gold.join(', '), i.hits.join(', ') || '–'])), '');
  }
  if (r.notes?.length) s.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return s.join('\n');
}
