import type { Document } from '@sift/core';

/**
 * What `DocumentSchema` gives for the plain shape nearly every input has (string id and text, optional string source,
 * metadata absent or a plain object), without zod's per-document cost; undefined for anything else, which zod judges.
 */
export function plainDocument(input: unknown): Document | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { id, text, source, metadata } = input as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || typeof text !== 'string') return undefined;
  if (source !== undefined && typeof source !== 'string') return undefined;
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Object.getPrototypeOf(metadata) !== Object.prototype) return undefined;
    if (Object.hasOwn(metadata, '__proto__')) return undefined;
  }
  return { id, text, ...(source !== undefined ? { source } : {}), metadata: metadata === undefined ? {} : { ...(metadata as Record<string, unknown>) } };
}
