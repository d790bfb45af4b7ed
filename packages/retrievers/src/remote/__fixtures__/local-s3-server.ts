import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A real S3-compatible server on 127.0.0.1 for the remote-index tests and benches: s3rver (files under a temp
 * folder), plus the one S3 feature LanceDB's commits rely on that s3rver 3.7.1 lacks — conditional PUT
 * (`If-None-Match: *` → 412 when the key exists), which real S3, MinIO and R2 implement. Without it two writers
 * committing the same table version both "succeed" and one's rows are lost (measured: 41 of 61 rows survived two
 * concurrent writers) — and atomic PUTs (s3rver writes in place, so a reader could see half a file; S3 never shows
 * one). Run as a process it prints `{"endpoint": …}` and serves until killed.
 */

interface KoaContext {
  method: string;
  path: string;
  /** The request target as sent (absolute-form through a proxy), before s3rver rewrites `path`. */
  originalUrl: string;
  headers: Record<string, string | undefined>;
  status: number;
  type: string;
  body: unknown;
  /** s3rver's vhost middleware sets `vhost` when the bucket came from the Host header. */
  state: { vhost?: boolean };
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3Object {
  bucket: string;
  key: string;
  content: Buffer | NodeJS.ReadableStream;
  metadata: Record<string, string>;
}
interface FilesystemStore {
  existsObject(bucket: string, key: string): Promise<boolean>;
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: S3Object): Promise<{ size: number; md5: string }>;
}
interface S3rverServer {
  middleware: Middleware[];
  store: FilesystemStore;
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverServer;

export const BUCKET = 'sift-test';
export const ACCESS_KEY = 'S3RVER';
/** LanceDB object-store client timeouts for the tests (storage options; the AWS_* environment cannot set them). */
export const CLIENT_TIMEOUTS = { timeout: '600s', connect_timeout: '120s' };

/**
 * The S3 service domain the server answers virtual-hosted-style requests for (`<bucket>.s3.sift.invalid`). `.invalid`
 * never resolves (RFC 6761), so such requests can only reach the server through `proxy_url`, never a network.
 */
export const VHOST_DOMAIN = 'sift.invalid';

export interface LocalS3 {
  endpoint: string;
  /** LanceDB storage options for this server (path-style over plain HTTP). */
  storageOptions: Record<string, string>;
  /**
   * Storage options for virtual-hosted-style requests (`aws_virtual_hosted_style_request`: the bucket in the host
   * name, as AWS prefers): the bucket's endpoint `http://<bucket>.s3.sift.invalid`, reached through this server as
   * the HTTP proxy.
   */
  virtualHostedStorageOptions: Record<string, string>;
  /** Requests served so far by addressing style: bucket in the Host header, or in the path. */
  requestStyles: () => { virtualHosted: number; pathStyle: number };
  /** The same as AWS_* environment variables, for child processes. */
  env: Record<string, string>;
  /** PUTs refused because the key existed: commit races the server settled. */
  conditionalPutsRefused: () => number;
  close(): Promise<void>;
}

export async function startLocalS3(): Promise<LocalS3> {
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverClass;
  const dir = await mkdtemp(join(tmpdir(), 'sift-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, serviceEndpoint: VHOST_DOMAIN, configureBuckets: [{ name: BUCKET }] });
  let refused = 0;
  const styles = { virtualHosted: 0, pathStyle: 0 };
  // After s3rver's vhost middleware, which moves a bucket named in the Host header into the path.
  const vhost = server.middleware.findIndex((m) => m.name === 'vhost');
  server.middleware.splice(vhost + 1, 0, countStyles(styles), conditionalPut(server, () => refused++));
  atomicPuts(server.store, dir);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    // Long client timeouts: on a loaded machine this one-process server can take far longer than LanceDB's 30 s default.
    storageOptions: { ...CLIENT_TIMEOUTS, aws_endpoint: endpoint, allow_http: 'true', aws_region: 'us-east-1', aws_access_key_id: ACCESS_KEY, aws_secret_access_key: ACCESS_KEY },
    env: { AWS_ENDPOINT: endpoint, AWS_ALLOW_HTTP: 'true', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: ACCESS_KEY },
    virtualHostedStorageOptions: {
      ...CLIENT_TIMEOUTS,
      aws_virtual_hosted_style_request: 'true',
      aws_endpoint: `http://${BUCKET}.s3.${VHOST_DOMAIN}`,
      proxy_url: endpoint,
      allow_http: 'true',
      aws_region: 'us-east-1',
      aws_access_key_id: ACCESS_KEY,
      aws_secret_access_key: ACCESS_KEY,
    },
    requestStyles: () => ({ ...styles }),
    conditionalPutsRefused: () => refused,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Objects appear whole: written to a temp file in the same folder tree, then renamed into place. */
function atomicPuts(store: FilesystemStore, root: string): void {
  let n = 0;
  store.putObject = async (object) => {
    const content = Buffer.isBuffer(object.content) ? object.content : await collect(object.content);
    const target = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(root, `.put-${process.pid}-${n++}`);
    await writeFile(tmp, content);
    await rename(tmp, target);
    const md5 = createHash('md5').update(content).digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: content.length, md5 };
  };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as string));
  return Buffer.concat(parts);
}

function countStyles(styles: { virtualHosted: number; pathStyle: number }): Middleware {
  return async (ctx, next) => {
    // Virtual-hosted: the bucket only in the Host header, not also leading the path as path-style puts it.
    const sent = new URL(ctx.originalUrl, 'http://127.0.0.1').pathname;
    const inPath = sent === `/${BUCKET}` || sent.startsWith(`/${BUCKET}/`);
    if (ctx.state.vhost && !inPath) styles.virtualHosted++;
    else styles.pathStyle++;
    return next();
  };
}

/** `If-None-Match: *` on PUT: refuse with 412 when the key exists; the check and the write run one at a time per key. */
function conditionalPut(server: S3rverServer, onRefused: () => void): Middleware {
  const queues = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    if (ctx.method !== 'PUT' || ctx.headers['if-none-match'] !== '*') return next();
    const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (!m) return next();
    const [bucket, key] = [m[1]!, decodeURIComponent(m[2]!)];
    const id = `${bucket}/${key}`;
    const before = queues.get(id) ?? Promise.resolve();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const mine = before.then(() => gate);
    queues.set(id, mine);
    await before;
    try {
      if (await server.store.existsObject(bucket, key)) {
        onRefused();
        ctx.status = 412;
        ctx.type = 'application/xml';
        ctx.body =
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>';
        return;
      }
      await next();
    } finally {
      release();
      if (queues.get(id) === mine) queues.delete(id);
    }
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const s3 = await startLocalS3();
  process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: BUCKET, env: s3.env })}\n`);
  const stop = () => void s3.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
