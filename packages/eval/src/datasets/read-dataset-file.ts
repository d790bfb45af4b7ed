import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SiftError } from '@sift/core';

/** The error for a dataset file that is not there: one line naming the file and where to get it. */
export function datasetMissing(file: string, hint: string, cause?: unknown): SiftError {
  return new SiftError('E_DATASET_MISSING', `Dataset file not found: ${file}. ${hint}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { file },
  });
}

/** The error for bad content, naming the file and the line or record where it went wrong. */
export function datasetMalformed(file: string, where: string, problem: string, cause?: unknown): SiftError {
  return new SiftError('E_DATASET_MALFORMED', `${file}:${where}: ${problem}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { file, where },
  });
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Read a whole text file; a missing file becomes E_DATASET_MISSING with `hint`. */
export async function readDatasetText(file: string, hint: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) throw datasetMissing(file, hint, err);
    throw new SiftError('E_INPUT_UNREADABLE', `Cannot read dataset file ${file}`, { cause: err, details: { file } });
  }
}

/** Line (1-based) and column of a character position, for JSON syntax errors. */
function lineCol(text: string, pos: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `${line}:${pos - last}`;
}

/** Read and parse a JSON dataset file; a syntax error names the file with line:column. */
export async function readDatasetJson(file: string, hint: string): Promise<unknown> {
  const text = await readDatasetText(file, hint);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const m = /position (\d+)/.exec(String((err as Error).message));
    const where = m ? lineCol(text, Number(m[1])) : '1';
    throw datasetMalformed(file, where, `invalid JSON (${(err as Error).message})`, err);
  }
}

/**
 * Stream the records of a JSONL file with their 1-based line numbers; blank lines are skipped.
 * A line that is not JSON fails with E_DATASET_MALFORMED naming file and line, or goes to `onBadLine` when given
 * (which may throw it, or return to skip the line).
 */
export async function* readDatasetJsonl(
  file: string,
  hint: string,
  onBadLine?: (err: SiftError) => void,
): AsyncGenerator<{ line: number; value: unknown }> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((res, rej) => {
    stream.once('open', () => res());
    stream.once('error', rej);
  });
  try {
    await opened;
  } catch (err) {
    stream.destroy();
    if (isNotFound(err)) throw datasetMissing(file, hint, err);
    throw new SiftError('E_INPUT_UNREADABLE', `Cannot read dataset file ${file}`, { cause: err, details: { file } });
  }
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      if (raw.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(raw) as unknown;
      } catch (err) {
        const bad = datasetMalformed(file, String(line), `invalid JSON (${(err as Error).message})`, err);
        if (!onBadLine) throw bad;
        onBadLine(bad);
        continue;
      }
      yield { line, value };
    }
  } finally {
    rl.close();
    stream.destroy();
  }
}
