import { ENTITY_STOP_WORDS } from './entity-stopwords.js';
import { tokenizeEntities } from './entity-tokens.js';

// "Foo (film)", "Bar [disambiguation]": the qualifier tells pages apart but is never written in running text.
const QUALIFIER = /\s*[([][^()[\]]*[)\]]/g;

/**
 * The key two spellings of one entity share: parenthetical qualifiers dropped; case, diacritics, apostrophes
 * and punctuation folded; words joined by one space; a leading "the" dropped unless only a stop word would be
 * left. "Ed Wood (film)" → "ed wood", "The Beatles" → "beatles", "Beyoncé's" → "beyonce", "AC/DC" → "ac dc",
 * "The Who" → "the who". Returns "" when nothing word-like is left.
 */
export function normalizeEntity(name: string): string {
  const stripped = name.replace(QUALIFIER, ' ');
  // A name that is only a qualifier, "(film)", keeps its words rather than vanishing.
  const source = /[\p{L}\p{N}]/u.test(stripped) ? stripped : name;
  const words = tokenizeEntities(source).norm;
  if (words.length > 1 && words[0] === 'the' && !(words.length === 2 && ENTITY_STOP_WORDS.has(words[1]!))) words.shift();
  return words.join(' ');
}
