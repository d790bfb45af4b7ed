import type { EvalReport } from '../eval-report.js';
import { describeSpec, esc, formatMetric } from './format.js';
import { renderMarkdown } from './render-markdown.js';
import { reportPlots } from './report-plots.js';

const CSS = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#0f172a;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.sub{color:#475569;font-size:13px}
.grid{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0;border:1px solid #e2e8f0;border-radius:8px;padding:8px;background:#fff}
figcaption{font-size:12px;color:#475569;max-width:560px;margin-top:4px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #e2e8f0;padding:4px 8px;text-align:left}th{background:#f1f5f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid #e2e8f0;border-radius:8px;padding:8px 12px;min-width:120px;background:#f8fafc}
.card b{display:block;font-size:20px}.card span{font-size:12px;color:#475569}details{margin-top:16px}pre{white-space:pre-wrap;font-size:12px}`;

const HEADLINE = /^(recall(@\d+)?|mrr@10|ndcg@10|answer_in_context(@5)?|support_recall@\d+|answer_recall@\d+|pk|windowdiff|accuracy|tokens_per_query|latency_ms_p50)$/;

/** report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets). */
export function renderHtml(r: EvalReport): string {
  const cards = Object.entries(r.metrics)
    .filter(([k]) => HEADLINE.test(k))
    .map(([k, v]) => `<div class="card"><b>${esc(formatMetric(k, v))}</b><span>${esc(k)}</span></div>`)
    .join('');
  const pipeline = Object.entries(r.pipeline)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(describeSpec(v))}</td></tr>`)
    .join('');
  const metrics = Object.entries(r.metrics)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num">${esc(formatMetric(k, v))}</td></tr>`)
    .join('');
  const plots = reportPlots(r)
    .map((p) => `<figure>${p.svg}<figcaption>${esc(p.caption)}</figcaption></figure>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sift eval: ${esc(r.dataset)} (${esc(r.task)})</title><style>${CSS}</style></head>
<body>
<h1>Sift eval: ${esc(r.dataset)} <span class="sub">(${esc(r.task)})</span></h1>
<div class="sub">${r.n} items · ${esc(r.meta.created)} · ${(r.meta.elapsed_ms / 1000).toFixed(1)} s</div>
<h2>Headline</h2><div class="cards">${cards}</div>
<h2>Plots</h2><div class="grid">${plots || '<p class="sub">No plots for this report.</p>'}</div>
<div class="grid"><div><h2>Pipeline</h2><table>${pipeline}</table></div><div><h2>All metrics</h2><table>${metrics}</table></div></div>
<details><summary>Full report (markdown)</summary><pre>${esc(renderMarkdown(r))}</pre></details>
</body></html>
`;
}
