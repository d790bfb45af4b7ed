import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Document, SiftError } from '@sift/core';
import type { QaDataset, QaQuestion } from './qa-dataset.js';
import { skipOrThrow, type MalformedItemOptions, type SkippedItem } from './malformed-items.js';
import { datasetMalformed, datasetMissing, readDatasetJsonl, readDatasetText } from './read-dataset-file.js';
import { describeZodError } from './zod-issue.js';

const HINT = 'A BEIR folder holds corpus.jsonl ({_id, title, text}), queries.jsonl ({_id, text}) and qrels/<split>.tsv (query-id, corpus-id, score).';

// BEIR ids are sometimes numbers in hand-made files; accept both and keep strings.
const Id = z.union([z.string().min(1), z.number()]).transform(String);
const CorpusRecord = z.object({ _id: Id, title: z.string().optional().default(''), text: z.string() });
const QueryRecord = z.object({ _id: Id, text: z.string() });

export interface BeirOptions extends MalformedItemOptions {
  dir: string;
  /** qrels/<split>.tsv; default "test", or the only file in qrels/ when there is just one. */
  split?: string;
  limit?: number;
}

async function pickQrels(dir: string, split: string | undefined): Promise<string> {
  const qdir = join(dir, 'qrels');
  if (split) return join(qdir, `${split}.tsv`);
  let files: string[];
  try {
    files = (await readdir(qdir)).filter((f) => f.endsWith('.tsv')).sort();
  } catch (err) {
    throw datasetMissing(qdir, HINT, err);
  }
  if (files.includes('test.tsv')) return join(qdir, 'test.tsv');
  if (files.length === 1) return join(qdir, files[0]!);
  throw datasetMissing(join(qdir, 'test.tsv'), `Found ${files.length} qrels files (${files.join(', ') || 'none'}); pick one with split. ${HINT}`);
}

/**
 * Parse a qrels TSV: `query-id  corpus-id  score`, optional header, grades may be 0 or negative. A malformed line
 * throws, or with `onBad` is handed to it and left out.
 */
export function parseQrels(text: string, file: string, onBad?: (err: SiftError) => void): Map<string, Map<string, number>> {
  const bad = (err: SiftError) => {
    if (!onBad) throw err;
    onBad(err);
  };
  const out = new Map<string, Map<string, number>>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cols = line.split('\t');
    if (i === 0 && cols[0] === 'query-id') return;
    if (cols.length < 3) return bad(datasetMalformed(file, String(i + 1), `expected 3 tab-separated columns, got ${cols.length}`));
    const score = Number(cols[2]);
    if (!Number.isFinite(score)) return bad(datasetMalformed(file, String(i + 1), `score "${cols[2]}" is not a number`));
    const q = cols[0]!;
    let m = out.get(q);
    if (!m) out.set(q, (m = new Map()));
    m.set(cols[1]!, score);
  });
  return out;
}

/**
 * A BEIR-format folder. Documents are `title + "\n" + text` (just text when untitled); only queries with
 * qrels are kept, as BEIR evaluates them. Corpus and queries stream line by line.
 */
export async function loadBeir(opts: BeirOptions): Promise<QaDataset> {
  const skipped: SkippedItem[] = [];
  const skip = (err: SiftError) => skipOrThrow(opts, err, skipped);
  const qrelsFile = await pickQrels(opts.dir, opts.split);
  const qrels = parseQrels(await readDatasetText(qrelsFile, HINT), qrelsFile, skip);

  const documents: Document[] = [];
  const corpusFile = join(opts.dir, 'corpus.jsonl');
  for await (const { line, value } of readDatasetJsonl(corpusFile, HINT, skip)) {
    const r = CorpusRecord.safeParse(value);
    if (!r.success) {
      skip(datasetMalformed(corpusFile, String(line), describeZodError(r.error)));
      continue;
    }
    const { _id, title, text } = r.data;
    documents.push({ id: _id, text: title ? `${title}\n${text}` : text, metadata: { title } });
  }

  const questions: QaQuestion[] = [];
  const queriesFile = join(opts.dir, 'queries.jsonl');
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  for await (const { line, value } of readDatasetJsonl(queriesFile, HINT, skip)) {
    if (questions.length >= limit) break;
    const r = QueryRecord.safeParse(value);
    if (!r.success) {
      skip(datasetMalformed(queriesFile, String(line), describeZodError(r.error)));
      continue;
    }
    const gold = qrels.get(r.data._id);
    if (!gold) continue;
    questions.push({ id: r.data._id, question: r.data.text, gold, answers: [], evidence: [], group: [], metadata: {} });
  }
  return { name: `beir:${opts.dir}`, documents, questions, evidenceKind: 'answer', skipped };
}
