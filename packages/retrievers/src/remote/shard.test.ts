import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRemoteIndexUri, normalizeRemoteUri, storageOptionsOf } from './remote-uri.js';
import { inShard, parseShard } from './shard.js';

describe('shards', () => {
  it('parses i/n and refuses anything else with one line', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3/4 ')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/2', 'a/b', '1', '1/2/3', '']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
  });

  it('puts every document id in exactly one shard, for any n (seeded)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 16 }), (id, n) => {
        const owners = Array.from({ length: n }, (_, i) => i).filter((i) => inShard(id, { index: i, count: n }));
        expect(owners).toHaveLength(1);
      }),
      { seed: 17, numRuns: 300 },
    );
  });

  it('spreads ids evenly enough that no worker gets a double share', () => {
    const counts = [0, 0, 0, 0];
    for (let d = 0; d < 4000; d++) for (let i = 0; i < 4; i++) if (inShard(`docs/file-${d}.md`, { index: i, count: 4 })) counts[i]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});

describe('remote index URIs', () => {
  it('tells object-store URIs from folders', () => {
    for (const u of ['s3://bucket/path', 's3://b', 'gs://bucket/x', 'az://container/x', 's3+ddb://b/p?ddbTableName=t']) expect(isRemoteIndexUri(u)).toBe(true);
    for (const u of ['.sift', '/tmp/s3/index', 'file:///tmp/x', 's3:/bucket', 'memory://', ':memory:']) expect(isRemoteIndexUri(u)).toBe(false);
    expect(normalizeRemoteUri('s3://bucket/path/')).toBe('s3://bucket/path');
    expect(() => normalizeRemoteUri('bucket/path')).toThrow(/not an object-store index URI/);
  });

  it('turns config storage options into the strings LanceDB takes', () => {
    expect(storageOptionsOf({ allow_http: true, aws_region: 'eu-west-1', timeout: 30 })).toEqual({ allow_http: 'true', aws_region: 'eu-west-1', timeout: '30' });
    expect(() => storageOptionsOf({ nested: { a: 1 } })).toThrow(/storageOptions.nested must be a string/);
  });
});
