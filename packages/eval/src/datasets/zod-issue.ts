import type { z } from 'zod';

/** A zod failure as "path: message" for dataset error lines, e.g. `supporting_facts.0.1: expected number`. */
export function describeZodError(err: z.ZodError): string {
  const i = err.issues[0];
  if (!i) return 'invalid record';
  return `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`;
}
