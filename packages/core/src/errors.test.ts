import { describe, expect, it } from 'vitest';
import { SiftError } from './errors.js';

describe('SiftError', () => {
  it('keeps code, details and cause', () => {
    const cause = new Error('disk full');
    const e = new SiftError('E_INPUT_UNREADABLE', 'cannot read a.txt', { cause, details: { file: 'a.txt' } });
    expect(e.code).toBe('E_INPUT_UNREADABLE');
    expect(e.details).toEqual({ file: 'a.txt' });
    expect(e.cause).toBe(cause);
    expect(SiftError.isInstance(e)).toBe(true);
    expect(SiftError.isInstance(new Error('x'))).toBe(false);
  });
  it('uses the code table as default message', () => {
    expect(new SiftError('E_ABORTED').message).toBe('Operation aborted');
  });
});
