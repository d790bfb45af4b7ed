/**
 * Porter's stemmer, exactly as the `stemmer` package (2.0.1) applies it, without regular expressions. That package
 * tests each suffix rule with a regex whose lazy `^(.+?)` prefix retries every split point, and builds match arrays
 * and strings for each: stemming was about a tenth of a cold `sift index` (each distinct word of a corpus is stemmed
 * once). Same rules, same order, same results (property-tested against the package on the words of several corpora
 * and on random strings); only words without line breaks, as the analyzer's words are.
 *
 * The measure tests follow the package's letter classes: a consonant run starts with any character but a e i o u
 * and continues with any but a e i o u y; a vowel run starts with a e i o u y and continues with a e i o u. Runs are
 * maximal (what follows a run is never what could extend it), so a word splits into alternating runs in one way.
 */

const enum Cls {
  /** a e i o u */
  Vowel,
  /** y: starts either run, continues neither */
  Y,
  /** anything else (an initial y is written Y, a consonant) */
  Other,
}

function cls(c: number): Cls {
  switch (c) {
    case 97: // a
    case 101: // e
    case 105: // i
    case 111: // o
    case 117: // u
      return Cls.Vowel;
    case 121: // y
      return Cls.Y;
    default:
      return Cls.Other;
  }
}

/**
 * Runs of s[0, n) after the optional leading consonant run (`^C?`), counting vowel and consonant runs alike. With
 * `leadingC`, the leading run is taken when it can be (s[0] is not a e i o u); without, only when it must be (s[0] is
 * neither a vowel nor y).
 */
function runsAfterC(s: string, n: number, leadingC: boolean): number {
  if (n === 0) return 0;
  let i = 0;
  const c0 = cls(s.charCodeAt(0));
  if (c0 === Cls.Other || (c0 === Cls.Y && leadingC)) {
    i = 1;
    while (i < n && cls(s.charCodeAt(i)) === Cls.Other) i++;
  }
  let runs = 0;
  while (i < n) {
    // A vowel run: a vowel or y, then vowels.
    i++;
    while (i < n && cls(s.charCodeAt(i)) === Cls.Vowel) i++;
    runs++;
    if (i >= n) break;
    // A consonant run: anything but a vowel (so y too), then neither vowel nor y.
    i++;
    while (i < n && cls(s.charCodeAt(i)) === Cls.Other) i++;
    runs++;
  }
  return runs;
}

/** Most runs after `^C?` over both parses (they differ only when s starts with y). */
function maxRuns(s: string, n: number): number {
  const a = runsAfterC(s, n, true);
  return s.charCodeAt(0) === 121 ? Math.max(a, runsAfterC(s, n, false)) : a;
}

/** `^C?VC` on s[0, n): m > 0. */
function measureAbove0(s: string, n: number): boolean {
  return maxRuns(s, n) >= 2;
}

/** `^C?(VC){2,}` on s[0, n): m > 1. */
function measureAbove1(s: string, n: number): boolean {
  return maxRuns(s, n) >= 4;
}

/** `^C?VCV?$` on s[0, n): m = 1 exactly (the whole span). */
function measureIs1(s: string, n: number): boolean {
  const a = runsAfterC(s, n, true);
  if (a === 2 || a === 3) return true;
  if (s.charCodeAt(0) !== 121) return false;
  const b = runsAfterC(s, n, false);
  return b === 2 || b === 3;
}

/** `^C?[aeiouy]` on s[0, n): the stem has a vowel. */
function hasVowel(s: string, n: number): boolean {
  return maxRuns(s, n) >= 1;
}

/** `^C[aeiouy][^aeiouwxy]$` on s[0, n): consonant run, one vowel or y, one consonant other than w x y, end. */
function endsCvc(s: string, n: number): boolean {
  if (n < 3 || cls(s.charCodeAt(0)) === Cls.Vowel) return false;
  let i = 1;
  while (i < n && cls(s.charCodeAt(i)) === Cls.Other) i++;
  if (i + 2 !== n) return false;
  const last = s.charCodeAt(n - 1);
  return cls(last) === Cls.Other && last !== 119 && last !== 120; // not w, x (nor y, nor a vowel)
}

/** Suffix lists by their last character, longest first: a word is checked only against those it could end with. */
function byLastChar(suffixes: readonly string[]): ReadonlyMap<number, readonly string[]> {
  const out = new Map<number, string[]>();
  for (const x of [...suffixes].sort((a, b) => b.length - a.length)) {
    const k = x.charCodeAt(x.length - 1);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(x);
  }
  return out;
}

/** The longest of the suffixes that s ends with, leaving at least one character before it. */
function longestSuffix(s: string, suffixes: ReadonlyMap<number, readonly string[]>): string | undefined {
  const n = s.length;
  const candidates = suffixes.get(s.charCodeAt(n - 1));
  if (candidates) for (const x of candidates) if (x.length < n && s.endsWith(x)) return x;
  return undefined;
}

const STEP2: Readonly<Record<string, string>> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};
const STEP3: Readonly<Record<string, string>> = { icate: 'ic', ative: '', alize: 'al', iciti: 'ic', ical: 'ic', ful: '', ness: '' };
const STEP4 = byLastChar(['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize']);
const STEP2_KEYS = byLastChar(Object.keys(STEP2));
const STEP3_KEYS = byLastChar(Object.keys(STEP3));

/** The Porter stem of `value` (lowercased first), as `stemmer` 2.0.1 gives it. */
export function porterStem(value: string): string {
  let w = value.toLowerCase();
  if (w.length < 3) return w;
  // An initial y is a consonant: written Y (outside every class test) until the end.
  const initialY = w.charCodeAt(0) === 121;
  if (initialY) w = `Y${w.slice(1)}`;

  // Step 1a: sses → ss, ies → i, s → (not after s).
  let n = w.length;
  if ((n >= 5 && w.endsWith('sses')) || (n >= 4 && w.endsWith('ies'))) w = w.slice(0, -2);
  else if (n >= 3 && w.charCodeAt(n - 1) === 115 && w.charCodeAt(n - 2) !== 115) w = w.slice(0, -1);

  // Step 1b: eed → ee when m > 0; else ed, ing dropped when the stem has a vowel, then tidied.
  n = w.length;
  if (n >= 4 && w.endsWith('eed')) {
    if (measureAbove0(w, n - 3)) w = w.slice(0, -1);
  } else {
    const cut = n >= 3 && w.endsWith('ed') ? 2 : n >= 4 && w.endsWith('ing') ? 3 : 0;
    if (cut > 0 && hasVowel(w, n - cut)) {
      w = w.slice(0, n - cut);
      const m = w.length;
      const last = w.charCodeAt(m - 1);
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (m >= 2 && last === w.charCodeAt(m - 2) && cls(last) === Cls.Other && last !== 108 && last !== 115 && last !== 122) w = w.slice(0, -1);
      else if (endsCvc(w, m)) w += 'e';
    }
  }

  // Step 1c: y → i when the stem has a vowel.
  n = w.length;
  if (n >= 2 && w.charCodeAt(n - 1) === 121 && hasVowel(w, n - 1)) w = `${w.slice(0, -1)}i`;

  // Steps 2 and 3: the longest listed suffix is replaced when m > 0 before it.
  let x = longestSuffix(w, STEP2_KEYS);
  if (x !== undefined && measureAbove0(w, w.length - x.length)) w = w.slice(0, -x.length) + STEP2[x]!;
  x = longestSuffix(w, STEP3_KEYS);
  if (x !== undefined && measureAbove0(w, w.length - x.length)) w = w.slice(0, -x.length) + STEP3[x]!;

  // Step 4: the longest listed suffix is dropped when m > 1 before it; failing any, (s|t)ion → (s|t) likewise.
  x = longestSuffix(w, STEP4);
  n = w.length;
  if (x !== undefined) {
    if (measureAbove1(w, n - x.length)) w = w.slice(0, -x.length);
  } else if (n >= 5 && w.endsWith('ion') && (w.charCodeAt(n - 4) === 115 || w.charCodeAt(n - 4) === 116) && measureAbove1(w, n - 3)) {
    w = w.slice(0, -3);
  }

  // Step 5: a final e goes when m > 1, or m = 1 and the stem does not end consonant-vowel-consonant; ll → l when m > 1.
  n = w.length;
  if (n >= 2 && w.charCodeAt(n - 1) === 101 && (measureAbove1(w, n - 1) || (measureIs1(w, n - 1) && !endsCvc(w, n - 1)))) w = w.slice(0, -1);
  n = w.length;
  if (n >= 2 && w.endsWith('ll') && measureAbove1(w, n)) w = w.slice(0, -1);

  return initialY ? `y${w.slice(1)}` : w;
}
