import type { Connection } from '@lancedb/lancedb';
import { loadLanceDb } from './_lance-deps.js';

/** Connects to a LanceDB database (a folder path, `memory://`, or a cloud URI), loading LanceDB on first use. */
export async function openLanceDb(uri: string): Promise<Connection> {
  const lance = await loadLanceDb();
  return lance.connect(uri);
}
