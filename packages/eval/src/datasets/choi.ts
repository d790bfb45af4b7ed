import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { skipOrThrow, type MalformedItemOptions } from './malformed-items.js';
import { datasetMalformed, datasetMissing, readDatasetText } from './read-dataset-file.js';

const HINT =
  'Choi segmentation data is koomri/text-segmentation data/choi/{1,2,3}/<range>/*.ref; put it in <datasets>/choi/ (see ../shared/datasets/MANIFEST.md).';
const SEPARATOR = '==========';

/** One Choi document: sentences and the indices where each segment starts (always beginning with 0). */
export interface ChoiDocument {
  id: string;
  /** e.g. "1/3-11" */
  subset: string;
  file: string;
  sentences: string[];
  starts: number[];
}

/** Parse a `.ref` file: one sentence per line, segments delimited by `==========` lines. */
export function parseChoiRef(text: string, file: string, id: string, subset: string): ChoiDocument {
  const lines = text.split(/\r?\n/);
  const sentences: string[] = [];
  const starts: number[] = [];
  let open = false;
  let segLen = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === SEPARATOR) {
      if (open && segLen === 0) throw datasetMalformed(file, String(i + 1), 'empty segment between two separators');
      open = true;
      segLen = 0;
      continue;
    }
    if (line === '') continue;
    if (!open) throw datasetMalformed(file, String(i + 1), `text before the first "${SEPARATOR}" line`);
    if (segLen === 0) starts.push(sentences.length);
    sentences.push(line);
    segLen++;
  }
  // A last segment without a closing separator is still unambiguous, so it is accepted.
  if (starts.length === 0) throw datasetMalformed(file, '1', 'no segments');
  return { id, subset, file, sentences, starts };
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (err) {
    throw datasetMissing(dir, HINT, err);
  }
}

/**
 * Subsets selected by a spec: "1/3-11" (one folder), "1" (all ranges of set 1), "all", or a comma list of those.
 */
export async function resolveChoiSubsets(root: string, spec: string): Promise<string[]> {
  const out: string[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'all') {
      for (const set of await listDirs(root)) for (const r of await listDirs(join(root, set))) out.push(`${set}/${r}`);
    } else if (!part.includes('/')) {
      for (const r of await listDirs(join(root, part))) out.push(`${part}/${r}`);
    } else {
      out.push(part);
    }
  }
  return [...new Set(out)];
}

/**
 * Stream the documents of the chosen Choi subsets, files in numeric order. A malformed `.ref` file (an empty segment,
 * text before the first separator, no segments) is skipped and passed to `onSkip`, or thrown with `strict`.
 */
export async function* loadChoi(opts: { dir: string; subset: string; limit?: number } & MalformedItemOptions): AsyncGenerator<ChoiDocument> {
  let n = 0;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  for (const subset of await resolveChoiSubsets(opts.dir, opts.subset)) {
    const folder = join(opts.dir, subset);
    let names: string[];
    try {
      names = (await readdir(folder)).filter((f) => f.endsWith('.ref'));
    } catch (err) {
      throw datasetMissing(folder, HINT, err);
    }
    if (names.length === 0) throw datasetMissing(join(folder, '*.ref'), HINT);
    names.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || (a < b ? -1 : 1));
    for (const name of names) {
      if (n >= limit) return;
      const file = join(folder, name);
      const text = await readDatasetText(file, HINT);
      let doc: ChoiDocument;
      try {
        doc = parseChoiRef(text, file, `${subset}/${name.replace(/\.ref$/, '')}`, subset);
      } catch (err) {
        if (!SiftError.isInstance(err) || err.code !== 'E_DATASET_MALFORMED') throw err;
        skipOrThrow(opts, err);
        continue;
      }
      yield doc;
      n++;
    }
  }
}
