// Traces InfiniRetri pass by pass on NIAH contexts exactly as `sift eval --dataset niah` builds and reads them
// (iterateNiah, seed 42, the default recursive-256 chunker, the pipeline's retriever read back as sentences): for each
// pass, whether the needle sentence is in the context (cache or chunk) and at which prompt position, its rank among the
// context's sentences under three sentence scores (sum / max / mean of its tokens' scores), its top-k hits, whether it
// survived the cache bound, and the question weights. Diagnosis for models/sift-lm-retri (issue 14).
// Usage: node --conditions=source --import tsx models/sift-lm-retri/niah/trace.ts LM_DIR LENGTH DEPTHS [haystack] [k=v options]
//   e.g. models/sift-lm-retri 4096 0,25 paul-graham   (LENGTH and DEPTHS pick the cells; the grid order is the eval's:
//   all five depths of each length, so the generator's random stream matches `--lengths 4k,32k --depths 0,25,50,75,100`)
import { defaultComponents, iterateNiah, loadHaystack, resolveDatasetsDir, chunkCorpus, type NiahSample } from '@sift/eval';
import { InfiniRetri, loadAttentionLM, sentencesOfChunks, topIndices, type InfiniRetriPass } from '@sift/retrievers';

const [lmDir = 'models/sift-lm-retri', lengthArg = '4096', depthArg = '0,25', haystackName = 'paul-graham', ...rest] = process.argv.slice(2);
const extra = Object.fromEntries(rest.map((kv) => kv.split('=')).map(([k, v]) => [k!, Number.isNaN(Number(v)) ? v : Number(v)]));
const length = Number(lengthArg);
const wanted = new Set(depthArg.split(',').map(Number));
const LENGTHS = [4096, 32768];
const DEPTHS = [0, 25, 50, 75, 100];

const components = defaultComponents();
const counter = await components.tokenizer();
const haystack = await loadHaystack(haystackName, resolveDatasetsDir());
const chunker = await components.createChunker({ chunker: 'recursive', size: 256 });
const lm = await loadAttentionLM(lmDir);

const rank = (xs: number[], i: number) => 1 + xs.filter((x, j) => j !== i && x > xs[i]!).length;

for (const s of iterateNiah(haystack, counter, { lengths: LENGTHS.includes(length) ? LENGTHS : [length], depths: DEPTHS, samples: 1, seed: 42 }) as Iterable<NiahSample>) {
  if (s.length !== length || !wanted.has(s.depth)) continue;
  const gold = s.gold[0]!;
  console.log(`\n=== ${s.id}: ${s.tokens} cl100k tokens; needle [${gold.start}, ${gold.end}) "${s.document.text.slice(gold.start, gold.end)}"`);
  console.log(`question: ${s.question}`);
  const { chunks } = await chunkCorpus([s.document], chunker, counter);
  const reader = new InfiniRetri(lm, extra);
  let lost = false;
  const onPass = (p: InfiniRetriPass) => {
    if (p.pass === 1) console.log(`question weights w (rows from the question text): ${[...p.weights].map((w) => w.toFixed(2)).join(' ')}`);
    const i = p.context.findIndex((c) => c.start <= gold.start && gold.end <= c.end);
    const cacheToks = p.context.filter((c) => c.fromCache).reduce((a, c) => a + c.tokenCount, 0);
    const head = `pass ${String(p.pass).padStart(3)}: n=${p.spans.n} cache ${cacheToks} tok (${p.context.filter((c) => c.fromCache).length} sents)`;
    if (i < 0) {
      if (!lost && p.pass > 1) console.log(`${head}: needle not in context`);
      return;
    }
    const n = p.context[i]!;
    // Three sentence scores over the pass's token scores: the best token (what orders the cache), the sum of its
    // top-k tokens (the former order), the mean over all its tokens.
    const top = new Set(topIndices(p.scores, reader.options.topK));
    const tokenScores = (c: (typeof p.context)[number]) => Array.from({ length: c.tokenCount }, (_, x) => c.at - p.spans.contextStart + x);
    const bests = p.context.map((c) => c.score);
    const sums = p.context.map((c) => tokenScores(c).reduce((a, x) => a + (top.has(x) ? p.scores[x]! : 0), 0));
    const means = p.context.map((c) => tokenScores(c).reduce((a, x) => a + p.scores[x]!, 0) / c.tokenCount);
    const kept = p.cache.some((c) => c.start === n.start);
    const hitters = p.context.filter((c) => c.hits > 0);
    console.log(
      `${head}: needle in ${n.fromCache ? 'cache' : 'chunk'} at pos ${n.at}-${n.at + n.tokenCount} (${n.tokenCount} tok), ` +
        `${hitters.length}/${p.context.length} sents hit; needle hits ${n.hits}, rank max ${rank(bests, i)} sum ${rank(sums, i)} mean ${rank(means, i)} ` +
        `-> ${kept ? 'KEPT' : 'DROPPED'} (cache ${p.cache.length} sents)`,
    );
    if (!kept) {
      lost = true;
      const leaders = [...p.context]
        .sort((a, b) => b.score - a.score)
        .slice(0, 3)
        .map((c) => `${c.score.toFixed(3)} ${c.fromCache ? 'cache' : 'chunk'}@${c.at} "${c.text.slice(0, 50).replace(/\s+/g, ' ')}"`);
      console.log(`    needle best ${n.score.toFixed(3)}; best sentences: ${leaders.join(' | ')}`);
    }
  };
  const r = await reader.run(s.question, sentencesOfChunks(chunks), { onPass });
  const found = r.retained.some((c) => c.start <= gold.start && gold.end <= c.end);
  console.log(`result: ${found ? 'FOUND' : 'MISSED'} after ${r.passes} passes (chunk ${r.chunkTokens}, cache ${r.cacheTokens})`);
}
await lm.close();
