import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureReport } from './_report-fixture.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { reportPlots } from './report-plots.js';
import { writeReport } from './write-report.js';
import { compareReports, formatComparison, readReport } from './compare-reports.js';

describe('report rendering', () => {
  it('html is self-contained: inline SVG plots, no scripts, no external references', () => {
    const html = renderHtml(fixtureReport());
    expect(html.match(/<svg /g)?.length).toBe(5); // recall curve, recall vs tokens, heatmap, Pk per subset, Pk per document
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/i);
    expect(html).toContain('fixture &lt;b&gt;escaped&lt;/b&gt; &amp; safe');
  });
  it('each plot is there only when its data is', () => {
    const r = fixtureReport();
    delete r.grid;
    delete r.documents;
    delete r.subsets;
    expect(reportPlots(r).map((p) => p.svg.match(/NIAH|Pk per/) === null)).toEqual([true, true]);
  });
  it('markdown has the metric table and the NIAH grid', () => {
    const md = renderMarkdown(fixtureReport());
    expect(md).toContain('| recall@5 | 0.785 |');
    expect(md).toContain('| missing | – |');
    expect(md).toMatch(/\| depth \\ length \| 4096 \| 16384 \| 65536 \|/);
  });

  it('markdown lists the NIAH cells with their retrieved tokens and time when the task measured them', () => {
    expect(renderMarkdown(fixtureReport())).not.toContain('## NIAH cells');
    const r = fixtureReport();
    r.grid = r.grid!.map((c) => ({ ...c, context_tokens: 350, seconds: 2.25 }));
    const md = renderMarkdown(r);
    expect(md).toContain('## NIAH cells');
    expect(md).toContain('| 16384 | 50 |');
    expect(md).toContain('| 350 | 2.3 |');
  });
});

describe('writeReport and --compare', () => {
  it('writes the three files; NaN becomes null; compare prints signed differences', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-report-'));
    try {
      const a = fixtureReport();
      a.metrics['ndcg@10'] = Number.NaN;
      const paths = await writeReport(a, dir);
      const json = JSON.parse(await readFile(paths.json, 'utf8')) as { metrics: Record<string, unknown> };
      expect(json.metrics['ndcg@10']).toBeNull();
      expect(await readFile(paths.html, 'utf8')).toContain('<svg');
      const back = await readReport(paths.json);
      const b = fixtureReport();
      b.metrics['recall@5'] = 0.8;
      b.metrics.extra = 1;
      const diffs = compareReports(back, b);
      expect(diffs.find((d) => d.metric === 'recall@5')!.diff).toBeCloseTo(0.015, 12);
      expect(diffs.find((d) => d.metric === 'ndcg@10')!.diff).toBeNull();
      expect(diffs[diffs.length - 1]!.metric).toBe('extra');
      const table = formatComparison(back, b, ['old.json', 'new.json']);
      expect(table).toMatch(/recall@5\s+0\.785\s+0\.800\s+\+0\.015/);
      expect(table).toMatch(/recall@2\s+0\.600\s+0\.600\s+0\n/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('readReport names a file that is not a report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-report-'));
    try {
      const f = join(dir, 'x.json');
      await (await import('node:fs/promises')).writeFile(f, '{"hello":1}');
      await expect(readReport(f)).rejects.toThrow(/x\.json: not a sift eval report/);
      await expect(readReport(join(dir, 'nope.json'))).rejects.toThrow(/report not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
