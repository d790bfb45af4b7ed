import { SiftError } from '@sift/core';
import type { z } from 'zod';

/** One line per issue, each naming the offending key, e.g. `overlap: overlap (600) must be smaller than size (512)`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], value: unknown): string {
  return issues
    .map((issue) => {
      const key = issue.path.map(String).join('.');
      if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator !== undefined) {
        const given = (value as Record<string, unknown> | null)?.[String(issue.discriminator)];
        const known = ((issue as { options?: unknown[] }).options ?? []).filter((o) => typeof o === 'string');
        return `${key}: unknown ${key} ${JSON.stringify(given)} (expected one of ${known.join(', ')})`;
      }
      return key === '' ? issue.message : `${key}: ${issue.message}`;
    })
    .join('; ');
}

/** Parse with a zod schema at a public edge; failures become E_BAD_CONFIG errors that name the key. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, label: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new SiftError('E_BAD_CONFIG', `${label}: ${formatIssues(r.error.issues, value)}`, {
    cause: r.error,
    details: { issues: r.error.issues },
  });
}
