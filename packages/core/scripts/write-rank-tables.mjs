// Writes cl100k's vocabulary as a binary rank table beside the compiled tokenizer (dist/text/cl100k_base.ranks),
// from the pinned gpt-tokenizer; run by `pnpm build` after `tsc -b`. The tokenizer reads this file instead of
// compiling gpt-tokenizer's 1.2 MB rank-table module at every start (see src/text/_rank-table-file.ts).
import { writeFileSync } from 'node:fs';

const { RANK_TABLE_FILE, cl100kRanksFromGptTokenizer } = await import('../dist/text/_rank-table-file.js');
const out = new URL(`../dist/text/${RANK_TABLE_FILE}`, import.meta.url);
const bytes = (await cl100kRanksFromGptTokenizer()).toBinary();
writeFileSync(out, bytes);
console.log(`rank table: ${out.pathname.replace(/^.*\/packages\//, 'packages/')}, ${(bytes.length / 1e6).toFixed(2)} MB`);
