import { describe, expect, it } from 'vitest';
import { writtenAtLeast } from '../../../domain/written-text';

describe('writtenAtLeast: the document says of a trimmed text what the API checks', () => {
  it('matches exactly the strings whose trimmed length is at least n', () => {
    const samples = [
      '',
      ' ',
      'y ',
      ' y',
      'ab',
      'a b',
      '\n\n',
      '\ufeffa\ufeff',
      '  理由  ',
      '至少四个',
      '至 少',
      'a\nb',
      '\u3000a\u3000',
    ];
    for (const n of [1, 2, 4]) {
      for (const s of samples)
        expect(writtenAtLeast(n).test(s), `${JSON.stringify(s)} n=${n}`).toBe(s.trim().length >= n);
    }
  });
});
