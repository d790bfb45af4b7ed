import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pageChunks, tableEmbedder } from './__fixtures__/film-corpus.js';
import { GraphBuilder } from './graph-builder.js';
import { readGraphFile, writeGraphFile } from './graph-file.js';
import { decodeGraph, encodeGraph, GRAPH_FILE } from './graph-format.js';
import type { PassageGraph } from './passage-graph.js';

async function sample(): Promise<PassageGraph> {
  const b = GraphBuilder.create({ synonymThreshold: 0.9 });
  b.add([...pageChunks(), { id: 'ünï', docId: 'ünï', text: 'Zoë Ünïcode 😀\nZoë met Tim Burton.', start: 0, end: 31, tokenCount: 5, metadata: {} }]);
  return b.build({ embedder: tableEmbedder({ 'tim burton': [1, 0, 0], 'timothy walter burton': [0.98, 0.1, 0] }) });
}

function expectSameGraph(a: PassageGraph, b: PassageGraph): void {
  expect(b.passageIds).toEqual(a.passageIds);
  expect(b.entities).toEqual(a.entities);
  for (const key of ['entityKinds', 'pePtr', 'peIdx', 'peKind', 'eePtr', 'eeIdx', 'eeSim', 'epPtr', 'epIdx', 'entityDf'] as const) {
    expect([...b[key]], key).toEqual([...a[key]]);
  }
  expect(b.options).toEqual(a.options);
}

describe('graph.bin', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-graph-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips every array, string and the generation', async () => {
    const g = await sample();
    expect(g.eeIdx.length).toBeGreaterThan(0);
    const { graph, generation } = decodeGraph(encodeGraph(g, 7), 'mem');
    expect(generation).toBe(7);
    expectSameGraph(g, graph);
    expect(graph.findEntities('Did Zoë Ünïcode meet TIM BURTON?')).toEqual(g.findEntities('Did Zoë Ünïcode meet TIM BURTON?'));
  });

  it('reads from an unaligned buffer', async () => {
    const bytes = encodeGraph(await sample(), 1);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expectSameGraph(await sample(), decodeGraph(shifted, 'mem').graph);
  });

  it('writes and reads files atomically', async () => {
    const path = join(dir, GRAPH_FILE);
    await writeGraphFile(path, await sample(), 3);
    const { graph, generation } = await readGraphFile(path);
    expect(generation).toBe(3);
    expectSameGraph(await sample(), graph);
  });

  it('reports a missing file as E_INDEX_MISSING with the flag that builds it', async () => {
    await expect(readGraphFile(join(dir, GRAPH_FILE))).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_MISSING' && /--graph/.test(e.message),
    );
  });

  it('detects damage as E_INDEX_CORRUPT naming the file', async () => {
    const bytes = encodeGraph(await sample(), 1);
    const path = join(dir, GRAPH_FILE);
    const flipped = bytes.slice();
    flipped[bytes.length >> 1]! ^= 0x40;
    const cases: Array<[Uint8Array, RegExp]> = [
      [flipped, /checksum/],
      [bytes.subarray(0, bytes.length - 8), /checksum|sizes/],
      [new TextEncoder().encode('SIFTBM25' + 'x'.repeat(40)), /bad magic/],
      [new Uint8Array(3), /only 3 bytes/],
    ];
    for (const [data, why] of cases) {
      await writeFile(path, data);
      await expect(readGraphFile(path)).rejects.toSatisfy(
        (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_CORRUPT' && e.message.includes(path) && why.test(e.message),
      );
    }
  });
});
