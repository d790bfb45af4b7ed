import { join } from 'node:path';
import { z } from 'zod';
import type { Document } from '@sift/core';
import type { DocSpan, QaDataset, QaQuestion } from './qa-dataset.js';
import { skipOrThrow, type MalformedItemOptions, type SkippedItem } from './malformed-items.js';
import { datasetMalformed, readDatasetJson } from './read-dataset-file.js';
import { describeZodError } from './zod-issue.js';

const HINT =
  'The SQuAD 2.0 extract is dev-v2.0.json from appcoreopc/squad2controlled; put it in <datasets>/squad2-dev-extract/ (see ../shared/datasets/MANIFEST.md).';

const AnswerSchema = z.object({ text: z.string(), answer_start: z.number().int().nonnegative() });
const ArticleSchema = z.object({
  title: z.string(),
  paragraphs: z.array(
    z.object({
      context: z.string(),
      qas: z.array(
        z.object({
          id: z.string().min(1),
          question: z.string(),
          answers: z.array(AnswerSchema),
          is_impossible: z.boolean().optional(),
        }),
      ),
    }),
  ),
});
const FileSchema = z.object({ version: z.string().optional(), data: z.array(z.unknown()) });

export interface Squad2Options extends MalformedItemOptions {
  /** Folder holding dev-v2.0.json, or the JSON file itself. */
  dir: string;
  limit?: number;
}

/**
 * SQuAD 2.0: each paragraph is a corpus document (`<article>#<paragraph index>`); each question's gold passage
 * is its paragraph and its evidence the answer spans. Unanswerable questions keep their paragraph as gold
 * and have no answers.
 */
export async function loadSquad2(opts: Squad2Options): Promise<QaDataset> {
  const file = opts.dir.endsWith('.json') ? opts.dir : join(opts.dir, 'dev-v2.0.json');
  const raw = FileSchema.safeParse(await readDatasetJson(file, HINT));
  if (!raw.success) throw datasetMalformed(file, '1', `expected {version, data: [...]}: ${describeZodError(raw.error)}`);
  const documents: Document[] = [];
  const questions: QaQuestion[] = [];
  const skipped: SkippedItem[] = [];
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  raw.data.data.forEach((a, ai) => {
    const r = ArticleSchema.safeParse(a);
    if (!r.success) {
      skipOrThrow(opts, datasetMalformed(file, `data[${ai}]`, describeZodError(r.error)), skipped);
      return;
    }
    const article = r.data;
    const group = article.paragraphs.map((_, pi) => `${article.title}#${pi}`);
    article.paragraphs.forEach((p, pi) => {
      const docId = `${article.title}#${pi}`;
      documents.push({ id: docId, text: p.context, metadata: { title: article.title, paragraph: pi } });
      p.qas.forEach((qa, qi) => {
        if (questions.length >= limit) return;
        const evidence: DocSpan[] = [];
        const misplaced = qa.answers.find((ans) => p.context.slice(ans.answer_start, ans.answer_start + ans.text.length) !== ans.text);
        if (misplaced) {
          const where = `data[${ai}].paragraphs[${pi}].qas[${qi}]`;
          skipOrThrow(opts, datasetMalformed(file, where, `answer "${misplaced.text}" is not at answer_start ${misplaced.answer_start} of its context`), skipped);
          return;
        }
        for (const ans of qa.answers) evidence.push({ docId, start: ans.answer_start, end: ans.answer_start + ans.text.length });
        const impossible = qa.is_impossible === true || qa.answers.length === 0;
        questions.push({
          id: qa.id,
          question: qa.question,
          gold: new Set([docId]),
          answers: impossible ? [] : qa.answers.map((x) => x.text),
          evidence: impossible ? [] : evidence,
          group,
          metadata: { impossible },
        });
      });
    });
  });
  return { name: 'squad2', documents, questions, evidenceKind: 'answer', skipped };
}
