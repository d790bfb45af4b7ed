/** Fields that may hold a record's text, in order of preference. */
export const TEXT_FIELDS = ['text', 'content', 'body'] as const;

export type JsonRecord = { ok: true; text: string; metadata: Record<string, unknown> } | { ok: false; problem: string };

/**
 * Read one JSON value as a document record: an object with a `text`/`content`/`body` string and optional
 * `id`/`title` (kept as metadata). A bare string is not a record: lists of strings are as often file names or ids.
 */
export function jsonRecord(value: unknown): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: `expected an object with a "text", "content" or "body" string, got ${describe(value)}` };
  }
  const obj = value as Record<string, unknown>;
  const field = TEXT_FIELDS.find((f) => f in obj);
  if (field === undefined) {
    return { ok: false, problem: `no "text", "content" or "body" field (keys: ${Object.keys(obj).slice(0, 8).join(', ') || 'none'})` };
  }
  const text = obj[field];
  if (typeof text !== 'string') return { ok: false, problem: `"${field}" must be a string, got ${describe(text)}` };
  const metadata: Record<string, unknown> = {};
  if (typeof obj.id === 'string' || typeof obj.id === 'number') metadata.id = obj.id;
  if (typeof obj.title === 'string') metadata.title = obj.title;
  return { ok: true, text, metadata };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Line and column (1-based) of a JSON.parse failure, when V8 names the position. */
export function jsonErrorLocation(err: unknown, text: string): { line: number; column: number } | undefined {
  const msg = err instanceof Error ? err.message : '';
  const m = /position (\d+)/.exec(msg);
  if (!m) return undefined;
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}
