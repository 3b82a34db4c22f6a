import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkReplaceable, isOwnFolder, writeDirAtomic } from '../../core/io/atomic.js';
import { tempDir } from '../helpers/fixtures.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('headstart-atomic-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ownManifest = JSON.stringify({ format: 'headstart-model', files: {} });
const fillWith = (text: string) => async (tmp: string) => {
  writeFileSync(join(tmp, 'manifest.json'), ownManifest);
  writeFileSync(join(tmp, 'content.txt'), text);
};

describe('writeDirAtomic never destroys what is not ours', () => {
  it('refuses a folder of unrelated files and leaves every file in place; --force replaces it', async () => {
    const target = join(dir, 'photos');
    mkdirSync(target);
    writeFileSync(join(target, 'holiday.jpg'), 'precious');
    await expect(writeDirAtomic(target, fillWith('model'))).rejects.toMatchObject({ code: 'out-exists', message: expect.stringMatching(/photos: the folder holds files headstart did not write.*--force/) });
    expect(readFileSync(join(target, 'holiday.jpg'), 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['photos']);
    await writeDirAtomic(target, fillWith('model'), { force: true });
    expect(readFileSync(join(target, 'content.txt'), 'utf8')).toBe('model');
  });

  it('refuses a file at the path (an input CSV), even with --force only at folder level', async () => {
    const csv = join(dir, 'sales.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    expect(() => checkReplaceable(csv)).toThrow(/sales\.csv: a file is there/);
    await expect(writeDirAtomic(csv, fillWith('x'))).rejects.toMatchObject({ code: 'out-exists' });
    expect(readFileSync(csv, 'utf8')).toBe('a,b\n1,2\n');
  });

  it('replaces its own folder, keeping nothing of the old one and no temp folders', async () => {
    const target = join(dir, 'model');
    await writeDirAtomic(target, fillWith('v1'));
    expect(isOwnFolder(target)).toBe(true);
    await writeDirAtomic(target, fillWith('v2'));
    expect(readFileSync(join(target, 'content.txt'), 'utf8')).toBe('v2');
    expect(readdirSync(dir)).toEqual(['model']);
  });

  it('a failed fill leaves the old folder untouched', async () => {
    const target = join(dir, 'model');
    await writeDirAtomic(target, fillWith('v1'));
    await expect(writeDirAtomic(target, async () => { throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(readFileSync(join(target, 'content.txt'), 'utf8')).toBe('v1');
    expect(readdirSync(dir)).toEqual(['model']);
  });

  it('after a kill: stale temp folders are cleaned, and an old version left aside between the renames is put back', async () => {
    const target = join(dir, 'model');
    // Killed while writing: a half-filled temp folder. Killed between the renames: the old version aside, no target.
    mkdirSync(join(dir, '.model.0badc0de.tmp'));
    writeFileSync(join(dir, '.model.0badc0de.tmp', 'half'), '');
    mkdirSync(join(dir, '.model.12345678.old'));
    writeFileSync(join(dir, '.model.12345678.old', 'manifest.json'), ownManifest);
    writeFileSync(join(dir, '.model.12345678.old', 'content.txt'), 'v1');
    // A user's folder with a similar name is not a leftover.
    mkdirSync(join(dir, '.model.notours'));
    await expect(writeDirAtomic(target, async () => { throw new Error('stop'); })).rejects.toThrow('stop');
    expect(readFileSync(join(target, 'content.txt'), 'utf8')).toBe('v1');
    expect(readdirSync(dir).sort()).toEqual(['.model.notours', 'model']);
    expect(existsSync(join(dir, '.model.0badc0de.tmp'))).toBe(false);
  });
});
