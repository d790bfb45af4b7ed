import { seededRandom } from '@sift/core';

export { seededRandom };

/** An integer in [0, n). */
export function randomInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}
