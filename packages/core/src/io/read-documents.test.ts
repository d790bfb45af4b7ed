import { access, chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../abort.js';
import { SiftError } from '../errors.js';
import type { InputIssue } from './input-issue.js';
import { readDocuments } from './read-documents.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-io-'));
});
afterEach(async () => {
  await chmod(path.join(dir, 'bad', 'locked.txt'), 0o644).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

async function read(paths: string[], opts: Parameters<typeof readDocuments>[1] = {}) {
  const issues: InputIssue[] = [];
  const docs = await collect(readDocuments(paths, { onIssue: (i) => issues.push(i), ...opts }));
  return { docs, issues };
}

/** An unreadable entry: chmod 000 where that works; as root (which reads anything) a dangling symlink instead. */
async function makeUnreadable(file: string): Promise<void> {
  await writeFile(file, 'secret');
  await chmod(file, 0o000);
  const readable = await access(file, constants.R_OK).then(
    () => true,
    () => false,
  );
  if (readable) {
    await rm(file);
    await symlink(path.join(path.dirname(file), 'does-not-exist.txt'), file);
  }
}

describe('readDocuments: walk', () => {
  it('reads nested folders in code-point order and skips hidden entries, node_modules and other extensions', async () => {
    await mkdir(path.join(dir, 'b', 'c'), { recursive: true });
    await mkdir(path.join(dir, '.git'));
    await mkdir(path.join(dir, 'node_modules'));
    await writeFile(path.join(dir, 'b', 'c', 'z.md'), '# z');
    await writeFile(path.join(dir, 'b', 'a.txt'), 'a');
    await writeFile(path.join(dir, 'B.txt'), 'upper');
    await writeFile(path.join(dir, '.hidden.txt'), 'no');
    await writeFile(path.join(dir, '.git', 'x.txt'), 'no');
    await writeFile(path.join(dir, 'node_modules', 'x.txt'), 'no');
    await writeFile(path.join(dir, 'image.png'), 'no');
    const { docs, issues } = await read([dir]);
    expect(docs.map((d) => d.id)).toEqual(['B.txt', 'b/a.txt', 'b/c/z.md']);
    expect(docs[1]).toMatchObject({ text: 'a', source: path.join(dir, 'b', 'a.txt'), metadata: {} });
    expect(issues).toEqual([]);
  });

  it('reads a file named directly whatever its extension, with its folder as base', async () => {
    await writeFile(path.join(dir, 'NOTES'), 'plain');
    const { docs } = await read([path.join(dir, 'NOTES')]);
    expect(docs).toEqual([{ id: 'NOTES', text: 'plain', source: path.join(dir, 'NOTES'), metadata: {} }]);
  });

  it('names ids relative to the common base of several roots and reads each file once', async () => {
    await mkdir(path.join(dir, 'x'));
    await mkdir(path.join(dir, 'y'));
    await writeFile(path.join(dir, 'x', 'a.txt'), 'xa');
    await writeFile(path.join(dir, 'y', 'a.txt'), 'ya');
    const { docs } = await read([path.join(dir, 'x'), path.join(dir, 'y'), path.join(dir, 'x', 'a.txt')]);
    expect(docs.map((d) => d.id)).toEqual(['x/a.txt', 'y/a.txt']);
  });

  it('honours extensions given without a dot, in any case', async () => {
    await writeFile(path.join(dir, 'a.txt'), 'a');
    await writeFile(path.join(dir, 'b.MD'), 'b');
    const { docs } = await read([dir], { extensions: ['md'] });
    expect(docs.map((d) => d.id)).toEqual(['b.MD']);
  });

  it('follows a symlinked folder once and cuts cycles', async () => {
    await mkdir(path.join(dir, 'real'));
    await writeFile(path.join(dir, 'real', 'a.txt'), 'a');
    await symlink(path.join(dir, 'real'), path.join(dir, 'real', 'loop'));
    const { docs } = await read([dir]);
    expect(docs.map((d) => d.id)).toEqual(['real/a.txt']);
  });

  it('throws E_INPUT_UNREADABLE for a root that does not exist', async () => {
    await expect(collect(readDocuments([path.join(dir, 'missing')]))).rejects.toMatchObject({
      code: 'E_INPUT_UNREADABLE',
      message: expect.stringContaining('missing: cannot read (ENOENT'),
    });
  });

  it('rejects bad options before touching the disk', () => {
    expect(() => readDocuments([])).toThrow(/at least one/);
    expect(() => readDocuments([dir], { extensions: ['*.txt'] })).toThrow(/option "extensions.0"/);
    expect(() => readDocuments([dir], { bogus: 1 } as never)).toThrow(SiftError);
  });
});

describe('readDocuments: bad files', () => {
  it('skips binary, empty, non-UTF-8 and unreadable files with one coded issue each, and keeps the good ones', async () => {
    const bad = path.join(dir, 'bad');
    await mkdir(bad);
    await writeFile(path.join(bad, 'good.txt'), 'Call me Ishmael.');
    await writeFile(path.join(bad, 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    await writeFile(path.join(bad, 'empty.txt'), '');
    await writeFile(path.join(bad, 'blank.md'), '  \n\t\n');
    await writeFile(path.join(bad, 'latin1.txt'), Buffer.from('caf\xe9 cr\xe8me', 'latin1'));
    await makeUnreadable(path.join(bad, 'locked.txt'));
    await writeFile(path.join(bad, 'z-good.md'), 'ok');
    const { docs, issues } = await read([bad]);
    expect(docs.map((d) => d.id)).toEqual(['good.txt', 'z-good.md']);
    const byFile = Object.fromEntries(issues.map((i) => [path.basename(i.file), i.code]));
    expect(byFile).toEqual({
      'blank.md': 'E_INPUT_EMPTY',
      'empty.txt': 'E_INPUT_EMPTY',
      'image.txt': 'E_INPUT_BINARY',
      'latin1.txt': 'E_INPUT_ENCODING',
      'locked.txt': 'E_INPUT_UNREADABLE',
    });
    for (const i of issues) expect(i.message.startsWith(i.file)).toBe(true);
    expect(issues.find((i) => i.code === 'E_INPUT_ENCODING')?.message).toMatch(/near offset 3/);
  });

  it('flags a file full of control bytes as binary, and reads UTF-16 with or without a BOM', async () => {
    const text = 'Hello, wörld — UTF-16 text.\nSecond line.';
    await writeFile(path.join(dir, 'ctl.txt'), Buffer.from(Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : 65))));
    await writeFile(path.join(dir, 'u16bom.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    await writeFile(path.join(dir, 'u16le.txt'), Buffer.from(text, 'utf16le'));
    await writeFile(path.join(dir, 'u16be.txt'), Buffer.from(text, 'utf16le').swap16());
    // Binary that happens to have NULs on every other byte is still binary once read as UTF-16.
    await writeFile(path.join(dir, 'words.txt'), Buffer.from(Uint16Array.from({ length: 64 }, (_, i) => i % 7).buffer));
    const { docs, issues } = await read([dir]);
    expect(issues.map((i) => [path.basename(i.file), i.code])).toEqual([
      ['ctl.txt', 'E_INPUT_BINARY'],
      ['words.txt', 'E_INPUT_BINARY'],
    ]);
    expect(docs.map((d) => [d.id, d.text])).toEqual([
      ['u16be.txt', text],
      ['u16bom.txt', text],
      ['u16le.txt', text],
    ]);
  });

  it('refuses a FIFO by its type at once, as a root and inside a folder', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = path.join(dir, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    await writeFile(path.join(dir, 'a.txt'), 'alpha');
    // No writer ever opens the FIFO: a read of it would wait forever.
    await expect(read([fifo])).rejects.toMatchObject({ code: 'E_INPUT_UNREADABLE', message: `${fifo}: is a FIFO (named pipe), not a regular file; only regular files are read` });
    const { docs, issues } = await read([dir]);
    expect(docs.map((d) => d.id)).toEqual(['a.txt']);
    expect(issues.map((i) => [path.basename(i.file), i.code])).toEqual([['pipe.txt', 'E_INPUT_UNREADABLE']]);
  });

  it('refuses a character device such as /dev/zero without reading it', async () => {
    await expect(read(['/dev/zero'])).rejects.toMatchObject({ code: 'E_INPUT_UNREADABLE', message: '/dev/zero: is a character device, not a regular file; only regular files are read' });
  });

  it('reports a file over maxFileBytes, and a JSONL line over it, as E_INPUT_TOO_LARGE', async () => {
    await writeFile(path.join(dir, 'big.txt'), 'x'.repeat(2000));
    await writeFile(path.join(dir, 'small.txt'), 'y'.repeat(100));
    await writeFile(path.join(dir, 'rows.jsonl'), `${JSON.stringify({ text: 'short' })}\n${JSON.stringify({ text: 'z'.repeat(3000) })}\n`);
    const { docs, issues } = await read([dir], { maxFileBytes: 1000 });
    expect(docs.map((d) => d.id)).toEqual(['rows.jsonl#1', 'small.txt']);
    expect(issues.map((i) => [path.basename(i.file), i.code])).toEqual([
      ['big.txt', 'E_INPUT_TOO_LARGE'],
      ['rows.jsonl#2', 'E_INPUT_TOO_LARGE'],
    ]);
    expect(issues[0]!.message).toBe(`${path.join(dir, 'big.txt')}: 2000 bytes is over the 1000 bytes limit (maxFileBytes, sift --max-file-size)`);
  });

  it('skips a JSONL line that outgrows maxFileBytes across reads and goes on with the next line', async () => {
    const long = JSON.stringify({ text: 'z'.repeat(3 << 20) });
    await writeFile(path.join(dir, 'rows.jsonl'), `${long}\n${JSON.stringify({ text: 'after' })}\n`);
    const { docs, issues } = await read([dir], { maxFileBytes: 1 << 20 });
    expect(docs.map((d) => [d.id, d.text])).toEqual([['rows.jsonl#2', 'after']]);
    expect(issues.map((i) => [path.basename(i.file), i.code])).toEqual([['rows.jsonl#1', 'E_INPUT_TOO_LARGE']]);
  });

  it('keeps a message on one line when a file name holds a newline', async () => {
    await writeFile(path.join(dir, 'two\nlines.txt'), '');
    const { issues } = await read([dir]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toBe(`${JSON.stringify(path.join(dir, 'two\nlines.txt'))}: empty`);
    expect(issues[0]!.message).not.toContain('\n');
  });

  it('keeps tabs, form feeds, a BOM and non-ASCII text', async () => {
    await writeFile(path.join(dir, 'a.txt'), '\ufeffTab\there\fpage 2 — naïve 日本');
    const { docs, issues } = await read([dir]);
    expect(issues).toEqual([]);
    expect(docs[0]?.text).toBe('Tab\there\fpage 2 — naïve 日本');
  });

  it('throws the first problem as a SiftError when no onIssue is given', async () => {
    await writeFile(path.join(dir, 'empty.txt'), '');
    await expect(collect(readDocuments([dir]))).rejects.toMatchObject({ code: 'E_INPUT_EMPTY' });
  });
});

describe('readDocuments: JSON and JSONL', () => {
  it('reads an object and an array of records, keeping id/title as metadata; a list of names is one issue', async () => {
    await writeFile(path.join(dir, 'one.json'), JSON.stringify({ title: 'T', content: 'body one', extra: 1 }));
    await writeFile(path.join(dir, 'many.json'), JSON.stringify([{ id: 7, text: 'first' }, { content: 'second' }, { body: 'third' }, { nope: 1 }]));
    await writeFile(path.join(dir, 'names.json'), JSON.stringify(['a.txt', 'b.txt']));
    const { docs, issues } = await read([dir]);
    expect(docs).toEqual([
      { id: 'many.json#0', text: 'first', source: `${path.join(dir, 'many.json')}#0`, metadata: { id: 7 } },
      { id: 'many.json#1', text: 'second', source: `${path.join(dir, 'many.json')}#1`, metadata: {} },
      { id: 'many.json#2', text: 'third', source: `${path.join(dir, 'many.json')}#2`, metadata: {} },
      { id: 'one.json', text: 'body one', source: path.join(dir, 'one.json'), metadata: { title: 'T' } },
    ]);
    expect(issues).toEqual([
      { file: `${path.join(dir, 'many.json')}#3`, code: 'E_BAD_INPUT', message: expect.stringContaining('item 3: no "text", "content" or "body" field (keys: nope)') },
      {
        file: path.join(dir, 'names.json'),
        code: 'E_BAD_INPUT',
        message: expect.stringContaining('names.json: no item of the array is a document (item 0: expected an object'),
      },
    ]);
  });

  it('names the line of malformed JSON', async () => {
    await writeFile(path.join(dir, 'bad.json'), '{\n  "text": "a",\n  oops\n}');
    const { docs, issues } = await read([dir]);
    expect(docs).toEqual([]);
    expect(issues[0]).toMatchObject({ code: 'E_BAD_INPUT', message: expect.stringMatching(/bad\.json:3:\d+: malformed JSON/) });
  });

  it('streams JSONL one document per line, naming bad lines and skipping blank ones', async () => {
    const lines = ['{"text":"l1","title":"A"}', '', '{"text":', '{"content":"l4"}\r', '{"text":"  "}', '[1]', '{"body":"l7 — ü"}'];
    await writeFile(path.join(dir, 'c.jsonl'), lines.join('\n'));
    const { docs, issues } = await read([dir]);
    expect(docs.map((d) => [d.id, d.text, d.metadata])).toEqual([
      ['c.jsonl#1', 'l1', { title: 'A' }],
      ['c.jsonl#4', 'l4', {}],
      ['c.jsonl#7', 'l7 — ü', {}],
    ]);
    expect(issues.map((i) => [i.file.slice(dir.length + 1), i.code])).toEqual([
      ['c.jsonl#3', 'E_BAD_INPUT'],
      ['c.jsonl#5', 'E_INPUT_EMPTY'],
      ['c.jsonl#6', 'E_BAD_INPUT'],
    ]);
    expect(issues[0]?.message).toContain('c.jsonl:3: malformed JSON');
  });

  it('handles JSONL larger than one read buffer, with multi-byte characters across buffer edges', async () => {
    const n = 6000;
    const body = Array.from({ length: n }, (_, i) => JSON.stringify({ text: `ligne ${i} — é日本` })).join('\n');
    expect(Buffer.byteLength(body)).toBeGreaterThan(2 * 64 * 1024);
    await writeFile(path.join(dir, 'big.jsonl'), body + '\n');
    const { docs, issues } = await read([dir]);
    expect(issues).toEqual([]);
    expect(docs).toHaveLength(n);
    expect(docs[n - 1]).toMatchObject({ id: `big.jsonl#${n}`, text: `ligne ${n - 1} — é日本` });
  });

  it('reports binary, non-UTF-8 and empty JSONL files', async () => {
    await writeFile(path.join(dir, 'a.jsonl'), Buffer.from([0x7b, 0, 0x7d]));
    await writeFile(path.join(dir, 'b.jsonl'), Buffer.from('{"text":"caf\xe9"}\n', 'latin1'));
    await writeFile(path.join(dir, 'c.jsonl'), '\n\n');
    const { issues } = await read([dir]);
    expect(issues.map((i) => i.code)).toEqual(['E_INPUT_BINARY', 'E_INPUT_ENCODING', 'E_INPUT_EMPTY']);
  });
});

describe('readDocuments: run options', () => {
  it('reports progress per file and stops when aborted', async () => {
    for (const n of ['a', 'b', 'c']) await writeFile(path.join(dir, `${n}.txt`), n);
    const seen: string[] = [];
    const { docs } = await read([dir], { onProgress: (p) => seen.push(`${p.status}:${p.done}/${p.total}`) });
    expect(docs).toHaveLength(3);
    expect(seen).toEqual(['progress:1/3', 'progress:2/3', 'progress:3/3', 'done:3/3']);

    const ctrl = new AbortController();
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const d of readDocuments([dir], { signal: ctrl.signal })) {
          got.push(d.id);
          ctrl.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(got).toEqual(['a.txt']);
  });
});
