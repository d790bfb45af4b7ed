import { describe, expect, it } from 'vitest';
import { SiftError } from '@sift/core';
describe('workspace resolution', () => {
  it('resolves @sift/core from source', () => {
    expect(new SiftError('E_BAD_CONFIG').code).toBe('E_BAD_CONFIG');
  });
});
