#!/usr/bin/env bash
# What a RAG app gets from `npm install @sift/…`: checks every package with publint and @arethetypeswrong/cli, packs
# it with `pnpm pack`, installs the tarballs into a fresh project outside the workspace (offline, from the pnpm store
# the workspace install filled), type-checks a consumer under TypeScript's node16, nodenext and bundler resolution,
# and runs it, the `sift` binary and the repository's examples with plain `node`.
# Needs `pnpm build` first (builds when dist/ is missing). KEEP=1 keeps the temporary folder for inspection.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/node_modules/.bin"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sift-consumer.XXXXXX")"
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "consumer-test: keeping $WORK"; fi
# onnxruntime-node's install script would fetch the CUDA provider from NuGet; a consumer install stays offline.
export ONNXRUNTIME_NODE_INSTALL=skip
step() { printf '\n== %s  [%ss]\n' "$*" "$SECONDS"; }

# Every publishable package in the workspace (not private), as "dir name" lines.
mapfile -t PKGS < <(node -e '
  const fs = require("node:fs"), path = require("node:path");
  for (const top of ["packages", "apps"]) for (const d of fs.readdirSync(top).sort()) {
    const f = path.join(top, d, "package.json");
    if (!fs.existsSync(f)) continue;
    const p = JSON.parse(fs.readFileSync(f, "utf8"));
    if (!p.private) console.log(path.join(top, d) + " " + p.name);
  }')
for line in "${PKGS[@]}"; do
  dir="${line%% *}"
  [ -f "$dir/dist/index.js" ] || { step "building (no $dir/dist)"; pnpm build; break; }
done

step "pnpm pack (${#PKGS[@]} packages)"
mkdir -p "$WORK/tgz"
pids=()
for line in "${PKGS[@]}"; do
  dir="${line%% *}"
  for f in LICENSE README.md; do [ -f "$dir/$f" ] || { echo "$dir: missing $f"; exit 1; }; done
  (cd "$dir" && pnpm pack --pack-destination "$WORK/tgz" >/dev/null) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
ls "$WORK/tgz"
# The tokenizer reads cl100k's pre-built rank table (pnpm build writes it); without it, it silently falls back to
# compiling gpt-tokenizer's table at every start.
core_listing="$(tar -tzf "$WORK"/tgz/sift-core-*.tgz)"
grep -qx 'package/dist/text/cl100k_base.ranks' <<<"$core_listing" || { echo "@sift/core tarball lacks dist/text/cl100k_base.ranks (written by pnpm build)"; exit 1; }

step "publint --strict, @arethetypeswrong/cli (profile esm-only: node16 from ESM, nodenext, bundler) on each tarball"
pids=()
for t in "$WORK"/tgz/*.tgz; do
  manifest="$(tar -xzf "$t" -O package/package.json)"
  listing="$(tar -tzf "$t")"
  case "$manifest" in *'workspace:'*) echo "$t still has workspace: ranges"; exit 1 ;; esac
  grep -qx 'package/LICENSE' <<<"$listing" || { echo "$t has no LICENSE"; exit 1; }
  ( "$BIN/publint" run "$t" --strict >"$t.publint" 2>&1 && "$BIN/attw" "$t" --profile esm-only --format table-flipped --no-color >"$t.attw" 2>&1 ) &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
echo "package | publint | node16 (from ESM) | bundler | node10 (ignored) | node16 from CJS (ignored)"
for t in "$WORK"/tgz/*.tgz; do
  if [ "$failed" -ne 0 ]; then cat "$t.publint" "$t.attw" 2>/dev/null; continue; fi
  printf '%s %s\n' "$(tail -n 1 "$t.publint")" "$(grep '│ "@sift/' "$t.attw")"
done
[ "$failed" -eq 0 ] || { echo "publint or attw failed"; exit 1; }

step "fresh project outside the workspace: $WORK/app"
mkdir -p "$WORK/app/src"
cp scripts/consumer/main.ts "$WORK/app/src/main.ts"
cp scripts/consumer/no-heavy-imports.mjs scripts/consumer/native-runtimes.mjs "$WORK/app/"
node - "$WORK" "${PKGS[@]}" <<'EOF'
const fs = require('node:fs'), path = require('node:path');
const [work, ...pkgs] = process.argv.slice(2);
const version = (name) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [process.cwd()] }), 'utf8')).version;
const tarballs = {};
for (const line of pkgs) {
  const name = line.split(' ')[1];
  tarballs[name] = `file:${path.join(work, 'tgz', `${name.slice(1).replace('/', '-')}-${version(`./${line.split(' ')[0]}`)}.tgz`)}`;
}
// Each package README's first TypeScript example becomes a program of its own, type-checked and run below.
for (const line of pkgs) {
  const dir = line.split(' ')[0];
  const example = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'))?.[1];
  if (example) fs.writeFileSync(path.join(work, 'app', 'src', `readme-${path.basename(dir)}.ts`), example);
}
fs.writeFileSync(path.join(work, 'app', 'package.json'), JSON.stringify({
  name: 'sift-consumer', private: true, type: 'module',
  dependencies: tarballs,
  devDependencies: { typescript: version('typescript'), '@types/node': version('@types/node') },
  pnpm: {
    // The packed manifests name @sift/* by version (0.1.0), which is on no registry here: point them at the tarballs.
    // LanceDB's optional @huggingface/transformers@3 and openai feed only its own embedding functions; dropping them
    // keeps one onnxruntime-node, one sharp and one transformers (see packages/retrievers/README.md).
    overrides: { ...tarballs, '@lancedb/lancedb>@huggingface/transformers': '-', '@lancedb/lancedb>openai': '-' },
    onlyBuiltDependencies: ['hnswlib-node'],
    ignoredBuiltDependencies: ['onnxruntime-node', 'protobufjs', 'sharp'],
  },
}, null, 2));
EOF
cd "$WORK/app"
if ! pnpm install --offline --no-frozen-lockfile --reporter=append-only >install.log 2>&1; then
  echo "offline install failed (pnpm store or metadata cache incomplete); retrying with --prefer-offline:"
  tail -3 install.log
  pnpm install --prefer-offline --no-frozen-lockfile --reporter=append-only >install.log 2>&1 || { cat install.log; exit 1; }
fi
grep -E '^(dependencies|devDependencies):|^\+ ' install.log || true
grep -E "Progress: resolved" install.log | tail -n 1 # pnpm's resolved/reused/downloaded counts

step "one copy of each native runtime"
dups=0
for p in onnxruntime-node sharp @huggingface+transformers @lancedb+lancedb hnswlib-node; do
  copies=$(ls node_modules/.pnpm | grep -c "^$p@" || true)
  echo "$p: $copies"
  [ "$copies" -le 1 ] || dups=1
done
[ "$dups" -eq 0 ] || { echo "duplicate native runtimes in the consumer's install"; exit 1; }

step "tsc under module resolution node16, bundler (--noEmit) and nodenext (emits the programs run below)"
for mode in node16 nodenext bundler; do
  module=$mode; [ "$mode" = bundler ] && module=esnext
  cat >"tsconfig.$mode.json" <<EOF
{ "compilerOptions": { "target": "ES2022", "lib": ["ES2023"], "module": "$module", "moduleResolution": "$mode",
  "strict": true, "skipLibCheck": true, "types": ["node"], "noEmit": true }, "include": ["src"] }
EOF
done
node_modules/.bin/tsc -p tsconfig.node16.json && echo "node16: ok"
node_modules/.bin/tsc -p tsconfig.bundler.json && echo "bundler: ok"
# nodenext with skipLibCheck off, so Sift's own declaration files get a full check too; onnxruntime-common's and
# apache-arrow's typings need DOM types, so errors in those (and only those) are tolerated.
if node_modules/.bin/tsc -p tsconfig.nodenext.json --noEmit false --outDir out --skipLibCheck false >libcheck.log 2>&1; then
  echo "nodenext (skipLibCheck false): ok"
else
  if grep -E '@sift|^src/' libcheck.log; then echo "type errors in the consumer or in Sift's declarations"; exit 1; fi
  echo "nodenext: ok; skipLibCheck false: Sift's declarations clean ($(grep -c 'error TS' libcheck.log) errors in third-party typings only)"
fi
[ -f out/main.js ] || { cat libcheck.log; exit 1; }

step "plain node: consumer program, light imports, the sift binary"
node out/main.js
for f in out/readme-*.js; do echo "-- ${f#out/} (README example)"; node "$f"; done
node no-heavy-imports.mjs
node native-runtimes.mjs
mkdir -p docs
printf 'Sperm whales dive deep for squid.\n' >docs/whales.txt
printf 'Honey bees dance to tell the hive where the flowers are.\n' >docs/bees.md
node_modules/.bin/sift index docs --index .sift-index
node_modules/.bin/sift query 'where are the flowers' --index .sift-index --k 1 --json | tee query.json
node -e 'const r = JSON.parse(require("fs").readFileSync("query.json", "utf8")).results; if (!/bees/.test(r[0]?.docId ?? "")) { console.error("unexpected top result"); process.exit(1); }'

step "examples/ with plain node"
mkdir -p examples beir/qrels
cp "$ROOT"/examples/*.mjs examples/
# A tiny BEIR folder (corpus, queries, qrels) for the pipeline comparison.
cat >beir/corpus.jsonl <<'EOF'
{"_id": "p1", "title": "Bread", "text": "Bread dough rises with yeast. Bake the loaf in a hot oven until the crust is brown."}
{"_id": "p2", "title": "Whales", "text": "Sperm whales dive to hunt squid. A whale breathes through its blowhole."}
{"_id": "p3", "title": "Tea", "text": "Steep green tea briefly in water below boiling. Black tea wants boiling water."}
{"_id": "p4", "title": "Ovens", "text": "A fan oven bakes evenly. Preheat the oven before the loaf goes in."}
EOF
cat >beir/queries.jsonl <<'EOF'
{"_id": "q1", "text": "how does bread dough rise"}
{"_id": "q2", "text": "what do sperm whales hunt"}
{"_id": "q3", "text": "water temperature for green tea"}
EOF
printf 'query-id\tcorpus-id\tscore\nq1\tp1\t1\nq1\tp4\t1\nq2\tp2\t1\nq3\tp3\t1\n' >beir/qrels/test.tsv
for ex in examples/*.mjs; do
  echo "-- node $ex"
  case "$(basename "$ex")" in
    compare-pipelines.mjs) node "$ex" beir ;;
    *) node "$ex" docs 'where are the flowers' ".sift-$(basename "$ex" .mjs)" ;;
  esac
done
step "consumer test passed"
