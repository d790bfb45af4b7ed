/** HTML/XML escaping for text and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// Metrics that are fractions: always three decimals, so 1 prints as 1.000 beside 0.460.
const RATE = /^(pk|windowdiff|accuracy|recall|all_gold|precision|mrr|ndcg|answer_in_context|answer_recall|support_recall|em|f1)\b/;

/** A metric for people: rates to 3 decimals, times to 1, counts as integers; missing values as "–". */
export function formatMetric(key: string, v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (/_ms(_|$)/.test(key) || key.endsWith('_ms')) return v.toFixed(1);
  if (RATE.test(key)) return v.toFixed(3);
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}

/** A component spec as one short string: "bm25", "recursive size=256". */
export function describeSpec(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map(describeSpec).join(', ');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => (typeof x === 'object' && x !== null ? `${k}=(${describeSpec(x)})` : `${k}=${String(x)}`))
    .join(' ');
}
