import type { z } from 'zod';
import { SiftError } from '@sift/core';

/** Validate options with a zod schema; a failure becomes E_BAD_CONFIG naming the bad key and the component. */
export function parseSpec<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new SiftError('E_BAD_CONFIG', `${what}: bad option "${key}": ${issue?.message ?? 'invalid'}`, {
    cause: r.error,
    details: { key, component: what },
  });
}
