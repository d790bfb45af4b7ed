import { InvalidArgumentError } from 'commander';

/** Commander argument parser for `--size 512`: a whole number ≥ `min`, or a clear usage error. */
export function intArg(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    }
    return n;
  };
}

/** `txt,md` or `.txt` → `['txt', 'md']`. */
export function listArg(value: string): string[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return parts;
}

/** First defined value: the flag, then the config file, then the built-in default. */
export function pick<T>(flag: T | undefined, config: T | undefined, fallback: T): T {
  return flag ?? config ?? fallback;
}
