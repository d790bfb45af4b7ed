import { z } from 'zod';
import { SiftError } from '@sift/core';
import { readFile } from 'node:fs/promises';
import type { EvalReport } from '../eval-report.js';
import { formatMetric } from './format.js';

export interface MetricDiff {
  metric: string;
  a: number | null;
  b: number | null;
  /** b − a */
  diff: number | null;
}

const ReportFileSchema = z.object({
  dataset: z.string(),
  n: z.number(),
  metrics: z.record(z.string(), z.number().nullable()),
}).loose();

/** Read a report.json for --compare; a bad file is named with what is wrong. */
export async function readReport(file: string): Promise<EvalReport> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new SiftError('E_INPUT_UNREADABLE', `report not found: ${file}`, { cause: err, details: { file } });
    throw new SiftError('E_BAD_INPUT', `${file}: not a JSON report (${(err as Error).message})`, { cause: err, details: { file } });
  }
  const r = ReportFileSchema.safeParse(raw);
  if (!r.success) throw new SiftError('E_BAD_INPUT', `${file}: not a sift eval report (${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? ''})`, { details: { file } });
  return r.data as unknown as EvalReport;
}

/** Metric-by-metric differences, in the order of `a`'s metrics then any only `b` has. */
export function compareReports(a: EvalReport, b: EvalReport): MetricDiff[] {
  const keys = [...Object.keys(a.metrics), ...Object.keys(b.metrics).filter((k) => !(k in a.metrics))];
  return keys.map((metric) => {
    const x = a.metrics[metric] ?? null;
    const y = b.metrics[metric] ?? null;
    return { metric, a: x, b: y, diff: x !== null && y !== null ? y - x : null };
  });
}

/** The difference table `sift eval --compare` prints: aligned columns, signed differences. */
export function formatComparison(a: EvalReport, b: EvalReport, labels: [string, string] = ['a', 'b']): string {
  const rows = compareReports(a, b).map((d) => [
    d.metric,
    formatMetric(d.metric, d.a),
    formatMetric(d.metric, d.b),
    d.diff === null ? '–' : d.diff === 0 ? '0' : `${d.diff > 0 ? '+' : ''}${formatMetric(d.metric, d.diff)}`,
  ]);
  const head = ['metric', 'a', 'b', 'b − a'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  const header = [`a: ${labels[0]}  (${a.dataset}, n=${a.n})`, `b: ${labels[1]}  (${b.dataset}, n=${b.n})`];
  return [...header, '', line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n') + '\n';
}
