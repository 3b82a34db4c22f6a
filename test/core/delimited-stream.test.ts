/**
 * The streaming reader and tokenizer the loaders share: pieces may split a record, a quoted field or
 * a CRLF anywhere, and the records (and their lines) must be those of the whole text; invalid UTF-8
 * far into a large file is still named by its line.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelimitedTokenizer, streamDelimited, tokenizeText } from '../../core/io/delimited-stream.js';
import { TextColumn } from '../../core/io/text-column.js';
import { loadForecastCsv } from '../../plugins/forecasting/data/csv-loader.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { tempDir } from '../helpers/fixtures.js';

let dir: string;
beforeAll(() => {
  dir = tempDir('headstart-delimited-stream-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROLE = { kind: 'CSV file', path: 'the .csv file', content: 'data rows' };
const TRICKY = 'a,b,c\r\n"x,1","say ""hi""",3\r\n\r\n"multi\nline",, \n"q"tail,"",\rlast,row';

function records(text: string, pieces: number[]): [string[], number][] {
  const out: [string[], number][] = [];
  const t = new DelimitedTokenizer(',', 'f.csv', (f, l) => out.push([f, l]));
  let at = 0;
  for (const p of pieces) {
    t.write(text.slice(at, at + p));
    at += p;
  }
  t.write(text.slice(at));
  t.end();
  return out;
}

describe('DelimitedTokenizer', () => {
  it('gives the same records and lines however the text is cut', () => {
    const whole = records(TRICKY, []);
    expect(whole).toEqual([
      [['a', 'b', 'c'], 1],
      [['x,1', 'say "hi"', '3'], 2],
      [[''], 3],
      [['multi\nline', '', ' '], 4],
      [['qtail', '', ''], 6],
      [['last', 'row'], 7],
    ]);
    for (let size = 1; size <= 7; size++) {
      expect(records(TRICKY, Array.from({ length: TRICKY.length }, () => size))).toEqual(whole);
    }
  });

  it('an unclosed quote names the line its record starts on', () => {
    expect(() => tokenizeText('a,b\nx,"open\nmore\n', 'f.csv', ',', () => {})).toThrow(/^f\.csv: line 2: a quoted field is never closed/);
  });
});

describe('streamDelimited', () => {
  it('reads a file of several pieces, a BOM dropped and a quoted field across a piece boundary kept whole', async () => {
    // Pieces end at the last line end of each 1 MB read: put a quoted newline just before the first
    // 1 MB mark and the record's end after it, so the field is split between two pieces.
    const filler = 'x'.repeat(100);
    const lines = ['\ufeffid,text'];
    let bytes = Buffer.byteLength(lines[0]!) + 1;
    let special = -1;
    for (let i = 0; i < 30_000; i++) {
      const line = special < 0 && bytes > (1 << 20) - 200 ? `${i},"a\n${'y'.repeat(400)}"` : `${i},${filler}`;
      if (line.includes('"')) special = i;
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
    const file = join(dir, 'big.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const got: [string[], number][] = [];
    await streamDelimited(file, ROLE, ',', (f, l) => got.push([f, l]));
    expect(got[0]).toEqual([['id', 'text'], 1]);
    expect(got).toHaveLength(30_001);
    expect(got[special + 1]).toEqual([[String(special), `a\n${'y'.repeat(400)}`], special + 2]);
    expect(got[special + 2]).toEqual([[String(special + 1), filler], special + 4]);
  });

  it('names the line of invalid UTF-8 far into the file', async () => {
    const head = Buffer.from('id,v\n' + Array.from({ length: 50_000 }, (_, i) => `row${i},1\n`).join(''));
    const file = join(dir, 'bad.csv');
    writeFileSync(file, Buffer.concat([head, Buffer.from([0x62, 0xff, 0x2c, 0x31, 0x0a])]));
    await expect(streamDelimited(file, ROLE, ',', () => {})).rejects.toThrow(/bad\.csv: line 50002 is not valid UTF-8/);
  });
});

describe('TextColumn', () => {
  it('gives back the exact text of every cell', () => {
    const cells = ['123.45', '12.50', '001', '-0', '.5', '1e3', '1e+21', ' 7', 'abc', '', null, '7', 'Infinity', '-Infinity'];
    const col = new TextColumn();
    for (const c of cells) col.push(c);
    expect(cells.map((_, i) => col.text(i))).toEqual(cells.map((c) => (c === '' ? null : c)));
  });
});

describe('the loaders on files of several pieces', () => {
  it('forecast: long ids (longer than a V8 sliced string) and every row read', async () => {
    const rows = ['series_id,timestamp,value'];
    for (let s = 0; s < 200; s++) for (let t = 0; t < 200; t++) rows.push(`a-rather-long-series-identifier-${s},${new Date(Date.UTC(2020, 0, 1 + t)).toISOString().slice(0, 10)},${t}.5`);
    const file = join(dir, 'long.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const d = await loadForecastCsv(file);
    expect(d.frequency).toBe('daily');
    expect(d.series).toHaveLength(200);
    expect(d.series[0]!.id).toBe('a-rather-long-series-identifier-0');
    expect(d.series.every((s) => s.values.length === 200 && s.values[199] === 199.5)).toBe(true);
  });

  it('events: a bad cell far into a large file is named by its line', async () => {
    const rows = ['user_id,item_id,timestamp'];
    for (let i = 0; i < 60_000; i++) rows.push(`user-${i % 500},item-${i % 70},${1_600_000_000 + i}`);
    rows.push('user-1,item-1,noon');
    const file = join(dir, 'events.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    await expect(loadEvents(file)).rejects.toThrow(/events\.csv: line 60002, column 'timestamp': cannot parse timestamp 'noon'/);
  });
});
