/**
 * Fault injection for the crash tests: with `SIFT_CRASH_AT=<n>` in the environment, the n-th call (1-based) kills
 * the process with SIGKILL, as a power cut would, right before the file operation it names. `SIFT_CRASH_TRACE=1`
 * prints each point to stderr so a test can count them. Without those variables it costs one property read.
 */
let calls = 0;

export function crashPoint(what: string): void {
  const at = process.env.SIFT_CRASH_AT;
  const trace = process.env.SIFT_CRASH_TRACE;
  if (at === undefined && trace === undefined) return;
  calls++;
  if (trace === '1') process.stderr.write(`sift-crash-point ${calls} ${what}\n`);
  if (at !== undefined && Number(at) === calls) process.kill(process.pid, 'SIGKILL');
}
