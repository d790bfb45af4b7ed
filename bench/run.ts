// `pnpm bench [name…] [--quick] [--json]`: discovers bench/*.bench.ts, runs the selected ones in file-name order and
// prints each one's table (stdout), or with --json its figures: one bench named alone prints its own object
// (`sift bench embed --json` → `{ "passagesPerSecond": …, "maxAbsDiff": … }`, as the issues name the keys), several
// or all print one object keyed by bench name. Progress goes to stderr.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** What every bench/*.bench.ts default-exports. */
export interface Bench {
  name: string;
  description: string;
  /** `lengths`: the raw `--lengths` list (e.g. "2k,32k") for benches that sweep sequence lengths. */
  run(opts: { quick: boolean; json: boolean; lengths?: string }): Promise<{ table: string; results: unknown }>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

function usage(available: string[]): string {
  return `usage: pnpm bench [name…] [--quick] [--json] [--lengths 2k,32k]\navailable: ${available.join(', ') || '(none)'}`;
}

function isBench(x: unknown): x is Bench {
  const b = x as Partial<Bench> | null;
  return typeof b === 'object' && b !== null && typeof b.name === 'string' && typeof b.description === 'string' && typeof b.run === 'function';
}

async function main(argv: string[]): Promise<number> {
  const available = readdirSync(HERE)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        lengths: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${usage(available)}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${usage(available)}\n`);
    return 0;
  }
  const unknown = args.positionals.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.map((n) => JSON.stringify(n)).join(', ')}\n${usage(available)}\n`);
    return 2;
  }
  const selected = args.positionals.length > 0 ? available.filter((n) => args.positionals.includes(n)) : available;
  const { quick, json, lengths } = args.values as { quick: boolean; json: boolean; lengths?: string };
  const out: Record<string, unknown> = {};
  let failed = 0;
  for (const file of selected) {
    const where = `bench/${file}${SUFFIX}`;
    const t0 = performance.now();
    try {
      const mod = (await import(pathToFileURL(path.join(HERE, file + SUFFIX)).href)) as { default?: unknown };
      if (!isBench(mod.default)) throw new Error(`${where} must default-export { name, description, run(opts) }`);
      const bench = mod.default;
      process.stderr.write(`▶ ${bench.name}: ${bench.description}${quick ? ' (quick)' : ''}\n`);
      const { table, results } = await bench.run({ quick, json, ...(lengths !== undefined ? { lengths } : {}) });
      const seconds = (performance.now() - t0) / 1000;
      if (json) out[bench.name] = results;
      else process.stdout.write(`\n## ${bench.name}\n\n${table}\n`);
      process.stderr.write(`✔ ${bench.name} in ${seconds.toFixed(1)} s\n`);
    } catch (err) {
      failed++;
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`✖ ${where}: ${message}\n`);
      if (json) out[file] = { error: message };
    }
  }
  const alone = args.positionals.length === 1 && selected.length === 1 ? selected[0]! : undefined;
  const printed = alone !== undefined ? (Object.values(out)[0] ?? {}) : out;
  if (json) process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
