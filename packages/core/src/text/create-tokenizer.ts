import { SiftError } from '../errors.js';
import { TokenizerNameSchema, type TokenizerName } from '../schemas.js';
import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import type { Tokenizer } from './tokenizer.js';
import { WhitespaceTokenizer } from './whitespace-tokenizer.js';

/** A tokenizer by name. BPE tables load lazily on first use and are shared by later calls. */
export async function createTokenizer(name: TokenizerName): Promise<Tokenizer> {
  const parsed = TokenizerNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `tokenizer: unknown tokenizer ${JSON.stringify(name)} (expected one of ${TokenizerNameSchema.options.join(', ')})`,
      { details: { key: 'tokenizer', value: name } },
    );
  }
  switch (parsed.data) {
    case 'cl100k':
    case 'o200k':
      return BpeTokenizer.create(parsed.data);
    case 'whitespace':
      return new WhitespaceTokenizer();
    case 'char':
      return new CharTokenizer();
  }
}
