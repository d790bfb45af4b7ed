import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiftError, type Chunk, type Chunker } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiftIndex } from './sift-index.js';

// Where an index may live: never in a folder that holds something else, never anywhere that cannot be a writable
// folder. Every case must fail at once with one clear line (E_INDEX_PATH); only a hang could reach the timeout.

const whole: Chunker = {
  name: 'whole',
  async *chunk(doc): AsyncIterable<Chunk> {
    yield { id: doc.id, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 1, metadata: {} };
  },
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sift-index-path-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const isPathError = (pattern: RegExp) => (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_PATH' && pattern.test(e.message);

describe('SiftIndex.create: the index location', () => {
  it('refuses a folder holding anything but an index, naming what is there, and leaves it exactly as it was', async () => {
    const dir = join(root, 'project');
    await mkdir(join(dir, 'lance'), { recursive: true });
    await writeFile(join(dir, 'lance', 'my-table.txt'), 'user data');
    await writeFile(join(dir, 'notes.md'), '# mine');
    for (const ifExists of ['error', 'open', 'overwrite'] as const) {
      await expect(SiftIndex.create(dir, { ifExists })).rejects.toSatisfy(isPathError(/project is not a Sift index and not empty \(it holds notes\.md, lance\)/));
    }
    expect((await readdir(dir)).sort()).toEqual(['lance', 'notes.md']);
    expect(await readFile(join(dir, 'lance', 'my-table.txt'), 'utf8')).toBe('user data');
  });

  it('refuses a folder whose manifest.json is not a Sift manifest', async () => {
    const dir = join(root, 'other-app');
    await mkdir(dir);
    await writeFile(join(dir, 'manifest.json'), '{"name": "some web app"}');
    await expect(SiftIndex.create(dir, { ifExists: 'overwrite' })).rejects.toSatisfy(isPathError(/holds manifest\.json/));
    expect(await readdir(dir)).toEqual(['manifest.json']);
  });

  it('accepts an empty or missing folder (parents made), and finishes a create that was cut short', async () => {
    const nested = join(root, 'a', 'b', 'c');
    const index = await SiftIndex.create(nested);
    await index.add([{ id: 'd', text: 'hello there', metadata: {} }], { chunker: whole });
    await index.close();
    // A crash during the first create leaves the marker and tables but no manifest: ours to redo.
    const cut = join(root, 'cut');
    await mkdir(join(cut, 'lance'), { recursive: true });
    await writeFile(join(cut, '.sift-index'), 'sift-index\n');
    const again = await SiftIndex.create(cut);
    expect(await again.stats()).toMatchObject({ documents: 0, version: 1 });
    await again.close();
  });

  it('an index folder may hold other files beside the index; overwrite removes only index files', async () => {
    const dir = join(root, 'idx');
    const index = await SiftIndex.create(dir);
    await index.add([{ id: 'd', text: 'hello there', metadata: {} }], { chunker: whole });
    await index.close();
    await writeFile(join(dir, 'README.txt'), 'kept');
    const fresh = await SiftIndex.create(dir, { ifExists: 'overwrite' });
    expect(await fresh.stats()).toMatchObject({ documents: 0 });
    await fresh.close();
    expect(await readFile(join(dir, 'README.txt'), 'utf8')).toBe('kept');
  });

  it('a path that is a file, or lies under one, fails at once', async () => {
    const file = join(root, 'file.txt');
    await writeFile(file, 'x');
    await expect(SiftIndex.create(file)).rejects.toSatisfy(isPathError(/file\.txt is a file, not a folder/));
    await expect(SiftIndex.create(join(file, 'sub'))).rejects.toSatisfy(isPathError(/file\.txt is a file, so .*sub cannot be a folder/));
    await expect(SiftIndex.open(file)).rejects.toSatisfy(isPathError(/file\.txt is not a folder, so it cannot hold a Sift index/));
  });

  it('a location that cannot be a folder (/proc/x) fails at once instead of looping on mkdir', async () => {
    await expect(SiftIndex.create('/proc/x')).rejects.toSatisfy(isPathError(/\/proc\/x cannot be an index folder: ENOENT/));
    await expect(SiftIndex.create('/proc/x/y/z')).rejects.toSatisfy(isPathError(/cannot be an index folder/));
  }, 20_000);

  it.skipIf(process.getuid?.() === 0)('a folder without write permission fails at once', async () => {
    const dir = join(root, 'ro');
    await mkdir(dir);
    await chmod(dir, 0o555);
    await expect(SiftIndex.create(dir)).rejects.toSatisfy(isPathError(/not writable/));
    await chmod(dir, 0o755);
  });
});
