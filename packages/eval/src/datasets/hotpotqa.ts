import { join } from 'node:path';
import { z } from 'zod';
import type { Document } from '@sift/core';
import type { DocSpan, QaDataset, QaQuestion } from './qa-dataset.js';
import { skipOrThrow, type MalformedItemOptions, type SkippedItem } from './malformed-items.js';
import { datasetMalformed, readDatasetJson } from './read-dataset-file.js';
import { describeZodError } from './zod-issue.js';

const HINT_HOTPOT =
  'HotpotQA-100 comes from OSU-NLP-Group/HippoRAG data/hotpotqa_train.json and data/hotpotqa_train_corpus.json; put them in <datasets>/hotpotqa-100/ (see ../shared/datasets/MANIFEST.md).';
const HINT_2WIKI =
  'The 2Wiki distractor corpus is OSU-NLP-Group/HippoRAG data/2wikimultihopqa_corpus.json; put it in <datasets>/2wiki-corpus/.';

const QuestionSchema = z.object({
  _id: z.string().min(1),
  question: z.string().min(1),
  answer: z.string(),
  type: z.string().optional(),
  level: z.string().optional(),
  supporting_facts: z.array(z.tuple([z.string(), z.number().int().nonnegative()])).min(1),
  context: z.array(z.tuple([z.string(), z.array(z.string())])).min(1),
});
const CorpusSchema = z.record(z.string(), z.unknown());
const SentencesSchema = z.array(z.string());
const TwoWikiSchema = z.array(z.object({ title: z.string().min(1), text: z.string() }));

export interface HotpotQaOptions extends MalformedItemOptions {
  /** Folder holding hotpotqa_train.json and hotpotqa_train_corpus.json. */
  dir: string;
  /** Add the 2Wiki passages (file path of 2wikimultihopqa_corpus.json) as extra distractors. */
  distractorsFile?: string;
  limit?: number;
}

/**
 * One passage per title: `title + "\n" + sentences joined by " "` (each sentence trimmed), with the span of every
 * sentence kept in `metadata.sentences` so supporting sentences can be located in the text and in any chunk.
 */
export function hotpotPassage(title: string, sentences: readonly string[]): Document {
  let text = `${title}\n`;
  const spans: Array<[number, number]> = [];
  let first = true;
  for (const s of sentences) {
    const t = s.trim();
    if (t.length === 0) {
      spans.push([text.length, text.length]);
      continue;
    }
    if (!first) text += ' ';
    first = false;
    spans.push([text.length, text.length + t.length]);
    text += t;
  }
  return { id: title, text, metadata: { title, sentences: spans } };
}

/**
 * HotpotQA in the distractor format. Gold passages are the supporting titles; evidence is the supporting
 * sentences. Yes/no answers are kept in metadata but left out of `answers`, since they are not in any passage.
 */
export async function loadHotpotQa(opts: HotpotQaOptions): Promise<QaDataset> {
  const qFile = join(opts.dir, 'hotpotqa_train.json');
  const cFile = join(opts.dir, 'hotpotqa_train_corpus.json');
  const rawQ = await readDatasetJson(qFile, HINT_HOTPOT);
  const rawC = await readDatasetJson(cFile, HINT_HOTPOT);
  if (!Array.isArray(rawQ)) throw datasetMalformed(qFile, '1', 'expected a JSON array of questions');
  const corpus = CorpusSchema.safeParse(rawC);
  if (!corpus.success) throw datasetMalformed(cFile, '1', `expected {title: [sentence, ...]}: ${describeZodError(corpus.error)}`);

  const skipped: SkippedItem[] = [];
  const documents: Document[] = [];
  const byId = new Map<string, Document>();
  for (const [title, raw] of Object.entries(corpus.data)) {
    const sentences = SentencesSchema.safeParse(raw);
    if (!sentences.success) {
      skipOrThrow(opts, datasetMalformed(cFile, JSON.stringify(title), `expected a list of sentences: ${describeZodError(sentences.error)}`), skipped);
      continue;
    }
    const d = hotpotPassage(title, sentences.data);
    documents.push(d);
    byId.set(title, d);
  }

  const questions: QaQuestion[] = [];
  const n = opts.limit === undefined ? rawQ.length : Math.min(opts.limit, rawQ.length);
  for (let i = 0; i < n; i++) {
    const r = QuestionSchema.safeParse(rawQ[i]);
    if (!r.success) {
      skipOrThrow(opts, datasetMalformed(qFile, `[${i}]`, describeZodError(r.error)), skipped);
      continue;
    }
    const problem = checkQuestion(r.data, i, byId, qFile, cFile);
    if (problem) {
      skipOrThrow(opts, problem, skipped);
      continue;
    }
    const q = r.data;
    const gold = new Set<string>();
    const evidence: DocSpan[] = [];
    for (const [title, idx] of q.supporting_facts) {
      gold.add(title);
      const span = (byId.get(title)!.metadata.sentences as Array<[number, number]>)[idx]!;
      if (span[1] > span[0]) evidence.push({ docId: title, start: span[0], end: span[1] });
    }
    const group = q.context.map(([title]) => title);
    const yesNo = /^(yes|no)$/i.test(q.answer.trim());
    questions.push({
      id: q._id,
      question: q.question,
      gold,
      answers: yesNo ? [] : [q.answer],
      evidence,
      group,
      metadata: { answer: q.answer, type: q.type, level: q.level },
    });
  }

  if (opts.distractorsFile) {
    const raw = await readDatasetJson(opts.distractorsFile, HINT_2WIKI);
    const r = TwoWikiSchema.safeParse(raw);
    if (!r.success) throw datasetMalformed(opts.distractorsFile, '1', `expected [{title, text}]: ${describeZodError(r.error)}`);
    // Prefixed ids: a 2Wiki title may equal a HotpotQA title and must not count as gold.
    for (const p of r.data) documents.push({ id: `2wiki:${p.title}`, text: `${p.title}\n${p.text}`, metadata: { title: p.title, source: '2wiki' } });
  }
  return { name: 'hotpotqa-100', documents, questions, evidenceKind: 'support', skipped };
}

/** A question whose supporting facts or context name passages the corpus does not have, or undefined when sound. */
function checkQuestion(q: z.output<typeof QuestionSchema>, i: number, byId: Map<string, Document>, qFile: string, cFile: string) {
  for (const [title, idx] of q.supporting_facts) {
    const doc = byId.get(title);
    if (!doc) return datasetMalformed(qFile, `[${i}].supporting_facts`, `title "${title}" is not in ${cFile}`);
    if (!(doc.metadata.sentences as Array<[number, number]>)[idx]) return datasetMalformed(qFile, `[${i}].supporting_facts`, `sentence ${idx} is out of range for "${title}"`);
  }
  for (const [title] of q.context) {
    if (!byId.has(title)) return datasetMalformed(qFile, `[${i}].context`, `title "${title}" is not in ${cFile}`);
  }
  return undefined;
}
