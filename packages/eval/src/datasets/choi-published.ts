/**
 * Pk reported in Choi (2000), as listed in the dataset's `choi/Table.txt` ("Accuracy" table; columns are the
 * segment-length ranges). Row 1 is the "no boundaries" baseline, row 14 C99 given the number of segments,
 * row 26 C99 without it, row 27 TextTiling (Hearst). Shown beside our numbers in segmentation reports.
 */
export const CHOI_PUBLISHED_PK: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  '3-11': { no_boundaries: 0.46, c99_known_k: 0.12, c99_unknown_k: 0.13, texttiling: 0.46 },
  '3-5': { no_boundaries: 0.47, c99_known_k: 0.12, c99_unknown_k: 0.18, texttiling: 0.44 },
  '6-8': { no_boundaries: 0.47, c99_known_k: 0.09, c99_unknown_k: 0.1, texttiling: 0.43 },
  '9-11': { no_boundaries: 0.47, c99_known_k: 0.09, c99_unknown_k: 0.1, texttiling: 0.48 },
};

/** Published values for a subset such as "1/3-11" (keyed by its range), if any. */
export function choiPublishedPk(subset: string): Readonly<Record<string, number>> | undefined {
  return CHOI_PUBLISHED_PK[subset.split('/').pop() ?? ''];
}
