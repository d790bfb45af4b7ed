import { SiftError } from '@sift/core';

/** Object-store URI schemes LanceDB opens as a remote dataset (S3 and S3-compatible, S3 with a DynamoDB commit table, GCS, Azure). */
const REMOTE_SCHEME = /^(s3|s3\+ddb|gs|az|abfss?):\/\/[^/]+/i;

/**
 * Whether `--index` names an object-store dataset (`s3://bucket/path`, `gs://…`, `az://…`) rather than a local
 * folder. Local folders keep the fast on-disk index (bm25.bin, hnsw); these open a {@link RemoteIndex}.
 */
export function isRemoteIndexUri(location: string): boolean {
  return REMOTE_SCHEME.test(location);
}

/** The URI without a trailing slash, refused with one clear line when it names no bucket or path. */
export function normalizeRemoteUri(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  if (!isRemoteIndexUri(trimmed)) {
    throw new SiftError('E_BAD_CONFIG', `"${uri}" is not an object-store index URI (expected s3://bucket/path, gs://bucket/path or az://container/path)`, {
      details: { key: 'index', value: uri },
    });
  }
  return trimmed;
}

/**
 * LanceDB storage options as strings (what its object store takes): `aws_endpoint`, `aws_region`, `allow_http`,
 * `aws_access_key_id`, … Booleans and numbers in a config file are turned into their text.
 */
export function storageOptionsOf(given: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(given ?? {})) {
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new SiftError('E_BAD_CONFIG', `storageOptions.${k} must be a string, number or boolean, not ${typeof v}`, { details: { key: `storageOptions.${k}` } });
    }
    out[k] = String(v);
  }
  return out;
}
