// Merges the NIAH grids of several `sift eval --dataset niah` runs of one pipeline (one run per length group, so a
// long run that had to be stopped loses nothing already measured) into one report (report.json/.md/.html with the
// depth × length heatmap). A run stopped before it wrote report.json is read from its --progress log, whose
// per-context lines carry the outcome: "contexts (niah-single-<length>-<depth>-<sample>: found|missed, <n> context
// tokens, <s> s)".
// Usage: node --conditions=source --import tsx models/sift-lm-retri/niah/combine-reports.ts OUT_DIR TITLE RUN_DIR_OR_LOG...
import { existsSync, readFileSync } from 'node:fs';
import { writeReport, type EvalReport, type GridCell } from '@sift/eval';

const [outDir, title, ...runs] = process.argv.slice(2);
if (!outDir || !title || runs.length === 0) throw new Error('usage: combine-reports.ts OUT_DIR TITLE RUN_DIR_OR_LOG...');
const cells = new Map<string, { length: number; depth: number; acc: number[]; tokens: number[]; context: number[]; seconds: number[] }>();
const add = (length: number, depth: number, acc: number, tokens: number, context: number | undefined, seconds: number | undefined) => {
  const c = cells.get(`${length}|${depth}`) ?? { length, depth, acc: [], tokens: [], context: [], seconds: [] };
  c.acc.push(acc);
  c.tokens.push(tokens);
  if (context !== undefined) c.context.push(context);
  if (seconds !== undefined) c.seconds.push(seconds);
  cells.set(`${length}|${depth}`, c);
};
let pipeline: Record<string, unknown> | undefined;
const sources: string[] = [];
for (const run of runs) {
  const json = `${run}/report.json`;
  if (existsSync(json)) {
    const r = JSON.parse(readFileSync(json, 'utf8')) as EvalReport;
    pipeline ??= r.pipeline;
    for (const g of r.grid ?? []) for (let i = 0; i < g.n; i++) add(g.length, g.depth, g.accuracy, g.tokens, g.context_tokens, g.seconds);
    sources.push(`${run}: report.json (${r.grid?.length ?? 0} cells)`);
    continue;
  }
  const log = existsSync(`${run}.log`) ? `${run}.log` : run;
  let n = 0;
  for (const m of readFileSync(log, 'utf8').matchAll(/contexts \(niah-\w+-(\d+)-(\d+)-\d+: (found|missed), (\d+) context tokens, ([\d.]+) s\)/g)) {
    add(Number(m[1]), Number(m[2]), m[3] === 'found' ? 1 : 0, Number(m[1]), Number(m[4]), Number(m[5]));
    n++;
  }
  sources.push(`${log}: ${n} contexts from the progress log (run stopped before its report)`);
}
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const grid: GridCell[] = [...cells.values()]
  .map((c) => ({ length: c.length, depth: c.depth, accuracy: mean(c.acc), n: c.acc.length, tokens: mean(c.tokens), context_tokens: mean(c.context), seconds: mean(c.seconds) }))
  .sort((a, b) => a.length - b.length || a.depth - b.depth);
const report: EvalReport = {
  dataset: 'niah',
  task: 'niah',
  pipeline: { ...(pipeline ?? {}), combined: title },
  n: grid.reduce((a, c) => a + c.n, 0),
  metrics: { accuracy: mean(grid.flatMap((c) => Array(c.n).fill(c.accuracy) as number[])) },
  grid,
  notes: [`${title}: cells merged from ${runs.length} runs`, ...sources],
  meta: { created: new Date().toISOString(), elapsed_ms: 0 },
} as EvalReport;
const paths = await writeReport(report, outDir);
console.log(`${title}: ${grid.length} cells → ${paths.html}`);
