import type { EvalReport } from '../eval-report.js';
import { barChart, heatmap, lineChart } from './svg-charts.js';

const fmtLength = (v: number) => (v % 1024 === 0 ? `${v / 1024}k` : String(v));

/** The plots a report supports, as inline SVG strings with a caption each. */
export function reportPlots(r: EvalReport): Array<{ caption: string; svg: string }> {
  const out: Array<{ caption: string; svg: string }> = [];
  if (r.curve && r.curve.length > 0) {
    out.push({
      caption: 'Passage recall, all-gold and answer-in-context at each cut-off k (chunks).',
      svg: lineChart({
        title: 'recall@k',
        xLabel: 'k (log scale)',
        yLabel: 'fraction of questions',
        logX: true,
        yMin: 0,
        yMax: 1,
        series: [
          { name: 'recall@k', points: r.curve.map((p) => [p.k, p.recall]) },
          { name: 'all gold@k', points: r.curve.map((p) => [p.k, p.all_gold]) },
          { name: 'answer in context@k', points: r.curve.map((p) => [p.k, p.answer_in_context]) },
        ],
      }),
    });
  }
  const tokenSeries = [];
  if (r.curve?.length) tokenSeries.push({ name: 'top-k chunks', points: r.curve.map((p) => [p.tokens, p.recall] as [number, number]) });
  if (r.budgets?.length) {
    // One curve per selector (a report of one selector has no `selector` on its points).
    const groups = new Map<string, typeof r.budgets>();
    for (const b of r.budgets) {
      const name = r.task === 'chunking' ? String(r.pipeline.chunker ?? 'chunker') : (b.selector ?? 'selector');
      groups.set(name, [...(groups.get(name) ?? []), b]);
    }
    for (const [name, points] of groups) {
      tokenSeries.push({ name, points: points.map((b) => [b.tokens_per_query, b.evidence_recall ?? b.recall] as [number, number]) });
    }
  }
  if (tokenSeries.length > 0) {
    out.push({
      caption:
        r.task === 'chunking'
          ? 'Evidence recall against the tokens actually selected at each budget.'
          : 'Recall against the context size it costs (mean tokens per query).',
      svg: lineChart({ title: 'recall vs tokens', xLabel: 'tokens per query (log scale)', yLabel: 'recall', logX: true, yMin: 0, yMax: 1, series: tokenSeries }),
    });
  }
  if (r.grid && r.grid.length > 0) {
    const lengths = [...new Set(r.grid.map((c) => c.length))].sort((a, b) => a - b);
    const depths = [...new Set(r.grid.map((c) => c.depth))].sort((a, b) => a - b);
    const at = new Map(r.grid.map((c) => [`${c.depth}|${c.length}`, c.accuracy]));
    out.push({
      caption: 'Needle retrieval accuracy by needle depth (rows, % of context) and context length (columns, tokens).',
      svg: heatmap({
        title: 'NIAH accuracy: depth × length',
        rowLabel: 'depth %',
        colLabel: 'context length (tokens)',
        rows: depths,
        cols: lengths,
        value: (d, l) => at.get(`${d}|${l}`) ?? Number.NaN,
        fmtCol: fmtLength,
      }),
    });
  }
  if (r.subsets && r.subsets.length > 0) {
    const none = r.baselines?.no_boundaries?.pk;
    out.push({
      caption: 'Mean Pk per subset (lower is better); dashed: the "no boundaries" baseline.',
      svg: barChart({
        title: 'Pk per subset',
        yLabel: 'Pk',
        bars: r.subsets.map((s) => ({ label: s.subset, value: s.pk })),
        ...(none !== undefined ? { refLines: [{ name: 'no boundaries', value: none }] } : {}),
      }),
    });
  }
  if (r.documents && r.documents.length > 0) {
    out.push({
      caption: 'Pk of each document (lower is better), in dataset order.',
      svg: barChart({
        title: 'Pk per document',
        yLabel: 'Pk',
        bars: r.documents.map((d) => ({ label: d.id.split('/').pop() ?? d.id, value: d.pk, color: '#0891b2' })),
        ...(r.metrics.pk !== null && r.metrics.pk !== undefined ? { refLines: [{ name: 'mean', value: r.metrics.pk }] } : {}),
      }),
    });
  }
  return out;
}
