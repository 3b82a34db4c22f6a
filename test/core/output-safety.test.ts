import { describe, expect, it } from 'vitest';
import { csvCell } from '../../core/io/csv-cell.js';
import { asSystemError } from '../../core/io/system-errors.js';
import { HeadstartError } from '../../core/errors.js';

describe('output cells and system errors', () => {
  it('csvCell neutralises what a spreadsheet would execute, quotes what CSV needs, keeps numbers', () => {
    expect(csvCell('=cmd|calc')).toBe("'=cmd|calc");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+1-2')).toBe("'+1-2");
    expect(csvCell('-3.5')).toBe('-3.5');
    expect(csvCell('+7')).toBe('+7');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('=x,"y"')).toBe('"\'=x,""y"""');
    expect(csvCell('store 12')).toBe('store 12');
  });

  it('file-system errors become one line naming the path and what to do, with a stable code', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/data/model/head.weights.bin' });
    const e = asSystemError(full) as HeadstartError;
    expect(e).toBeInstanceOf(HeadstartError);
    expect(e.code).toBe('system-enospc');
    expect(e.message).toBe('/data/model/head.weights.bin: no space left on the device; free some space or write elsewhere');
    const bug = new TypeError('x is undefined');
    expect(asSystemError(bug)).toBe(bug);
  });
});

describe('input encoding', () => {
  it('invalid UTF-8 is an error naming the line, never U+FFFD merged ids', async () => {
    const { decodeUtf8 } = await import('../../core/io/read-text.js');
    const bytes = new Uint8Array([...Buffer.from('id,value\na,1\n'), 0x62, 0xe9, 0x2c, 0x32, 0x0a]);
    expect(() => decodeUtf8(bytes, 'x.csv')).toThrow(/^x\.csv: line 3 is not valid UTF-8/);
    expect(decodeUtf8(Buffer.from('id\ncafé\n'), 'y.csv')).toBe('id\ncafé\n');
  });
});
