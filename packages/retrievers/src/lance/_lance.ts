import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { SiftError } from '@sift/core';
import type * as ArrowModule from 'apache-arrow';

export type LanceModule = typeof import('@lancedb/lancedb');
export type { Connection, Table } from '@lancedb/lancedb';

const require = createRequire(import.meta.url);
let loaded: Promise<LanceModule> | undefined;

/** LanceDB is a native module; load it on first use so BM25-only users of this package never pay for it. */
export function loadLance(): Promise<LanceModule> {
  // LanceDB's Rust logger prints warnings such as "No existing dataset … it will be created" for every new
  // table straight to stderr, which would mix into CLI output; keep errors only unless the user chose a level.
  process.env.LANCEDB_LOG ??= 'error';
  loaded ??= import('@lancedb/lancedb').catch((err: unknown) => {
    loaded = undefined;
    throw new SiftError('E_DEPENDENCY_MISSING', `Cannot load @lancedb/lancedb (needed for LanceDB tables and on-disk indexes): ${(err as Error).message}`, {
      cause: err,
    });
  });
  return loaded;
}

let arrowModule: typeof ArrowModule | undefined;

/**
 * apache-arrow as LanceDB sees it: LanceDB is CommonJS and checks `instanceof` against arrow's CommonJS build, so an
 * ESM import (a second copy of the classes) would be rejected (LanceDB #984/#1458). Loaded on first use.
 */
export function arrow(): typeof ArrowModule {
  arrowModule ??= require('apache-arrow') as typeof ArrowModule;
  return arrowModule;
}

/** Connects to a LanceDB database (a folder path, `memory://`, or a cloud URI), loading LanceDB on first use. */
export async function openLanceDb(uri: string): Promise<import('@lancedb/lancedb').Connection> {
  const lance = await loadLance();
  return lance.connect(uri);
}

let version: string | undefined;

/** The installed LanceDB version, recorded in the manifest. Its exports map hides package.json, so find it beside the entry. */
export function lanceVersion(): string {
  if (version === undefined) {
    try {
      const entry = require.resolve('@lancedb/lancedb');
      const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
      version = pkg.version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

/** A SQL string literal for LanceDB filters (standard SQL: a quote is doubled; backslashes are literal). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** `column IN (…)` over string values; columns are quoted because unquoted SQL names are lowercased. */
export function sqlIn(column: string, values: readonly string[]): string {
  return `\`${column}\` IN (${values.map(sqlString).join(', ')})`;
}
