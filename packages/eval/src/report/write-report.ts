import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDir, SiftError } from '@sift/core';
import type { EvalReport } from '../eval-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';

/** JSON for report.json: NaN/±Infinity (no data) become null. */
export function reportJson(r: EvalReport): string {
  return `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  // Write then rename, so a reader never sees half a report.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}

/** Write report.json, report.md and report.html into `dir` (created if needed); returns the three paths. */
export async function writeReport(r: EvalReport, dir: string): Promise<{ json: string; md: string; html: string }> {
  try {
    await makeDir(dir); // not mkdir({ recursive: true }): it never returns for some paths (/proc/x)
    const paths = { json: join(dir, 'report.json'), md: join(dir, 'report.md'), html: join(dir, 'report.html') };
    await writeAtomic(paths.json, reportJson(r));
    await writeAtomic(paths.md, renderMarkdown(r));
    await writeAtomic(paths.html, renderHtml(r));
    return paths;
  } catch (err) {
    throw new SiftError('E_INPUT_UNREADABLE', `cannot write the report to ${dir}: ${(err as Error).message}`, { cause: err, details: { dir } });
  }
}
