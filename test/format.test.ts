import { describe, expect, it } from 'vitest';
import { csv, displayWidth, table } from '../client/format.js';

describe('csv', () => {
  it('starts with a BOM so Excel reads Korean as UTF-8, quotes per RFC 4180 and ends lines with CRLF', () => {
    expect(csv(['name', 'message'], [['김삼성', 'a "quoted", multi\nline']])).toBe(
      '\uFEFFname,message\r\n김삼성,"a ""quoted"", multi\nline"\r\n',
    );
  });

  it.each([['=HYPERLINK("x")'], ['+82-10-1234'], ['-1+1'], ['@SUM(A1)']])(
    'neutralises %s so Excel does not run it as a formula',
    (cell) => {
      expect(csv(['c'], [[cell]]).split('\r\n')[1]).toMatch(/^"?'/);
    },
  );

  it('leaves numbers alone', () => {
    expect(csv(['n'], [[-5]])).toBe('\uFEFFn\r\n-5\r\n');
  });
});

describe('table', () => {
  it('aligns Hangul, which takes two terminal cells a character', () => {
    expect(displayWidth('부서 departments')).toBe(16);
    const [header, row] = table([{ header: 'stage' }, { header: 'n', align: 'right' }], [['사원', 5]]);
    expect(header).toBe('stage  n');
    expect(row).toBe('사원   5');
  });
});
