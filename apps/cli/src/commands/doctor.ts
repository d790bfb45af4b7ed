import { spawnSync } from 'node:child_process';
import { CUDA_INSTALL_HINT, listExecutionProviders, ortBinaryDir, type ExecutionProviderInfo } from '@sift/core';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { installedVersions } from '../package-versions.js';
import { writeOut } from '../write-out.js';

export interface DoctorReport {
  versions: { node: string; pnpm: string; packages: Record<string, string> };
  executionProviders: ExecutionProviderInfo[];
  cuda: { available: boolean; binaryDir: string; howTo: string };
}

/** `sift doctor [--json]`: what is installed here and what works. */
export function doctorCommand(ctx: CliContext): Command {
  return new Command('doctor')
    .description('show versions, onnxruntime execution providers, model locations and index counts')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await buildReport(ctx);
      await writeOut(ctx.io.stdout, opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report), ctx.signal);
    });
}

async function buildReport(ctx: CliContext): Promise<DoctorReport> {
  const providers = await listExecutionProviders({ probe: true });
  const cuda = providers.find((p) => p.name === 'cuda');
  return {
    versions: { node: process.version, pnpm: pnpmVersion(ctx.io.env), packages: installedVersions() },
    executionProviders: providers,
    cuda: { available: cuda?.usable === true, binaryDir: ortBinaryDir(), howTo: CUDA_INSTALL_HINT },
  };
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
  return `${lines.join('\n')}\n`;
}
