import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which Sift made a report: the package version, and the git commit when run from a checkout (null elsewhere). */
export function reportProvenance(): { sift_version: string; git_commit: string | null } {
  const here = dirname(fileURLToPath(import.meta.url));
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // An unusual install layout: the report still says "unknown" rather than failing.
  }
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim() || null;
  } catch {
    commit = null; // not a git checkout, or no git on PATH
  }
  return { sift_version: version, git_commit: commit };
}
