/**
 * Every command's help: it renders, fits 100 columns, and each example in it parses against the
 * command's own flags (required flags present, option values valid), without running it.
 */
import { Config, Flags, Parser } from '@oclif/core';
import { parse as shellParse } from 'shell-quote';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBuilt, ROOT, cli } from '../helpers/cli.js';

let config: Config;
beforeAll(async () => {
  ensureBuilt();
  config = await Config.load(ROOT);
});

describe('help', () => {
  it('every headstart command has a summary and examples that parse', async () => {
    const own = config.commands.filter((c) => c.pluginName === 'headstart');
    expect(own.map((c) => c.id).sort()).toEqual(expect.arrayContaining(['assess:recommend', 'backbones', 'demo', 'evaluate', 'forecast', 'heads', 'pretrain:forecast', 'pretrain:recommend', 'recommend', 'transfer:forecast', 'transfer:recommend']));
    for (const c of own) {
      expect(c.summary, c.id).toBeTruthy();
      const Command = await c.load();
      const examples = (Command.examples ?? []) as (string | { command: string })[];
      expect(examples.length, `${c.id} has examples`).toBeGreaterThan(0);
      for (const e of examples) {
        const text = (typeof e === 'string' ? e : e.command).replace('<%= config.bin %>', 'headstart');
        const words = shellParse(text).map(String);
        const idWords = c.id.split(':');
        expect(words.slice(0, 1 + idWords.length), text).toEqual(['headstart', ...idWords]);
        const flags = { ...Command.baseFlags, ...Command.flags, ...(Command.enableJsonFlag ? { json: Flags.boolean() } : {}) };
        await expect(Parser.parse(words.slice(1 + idWords.length), { flags, args: Command.args ?? {}, strict: true }), `${c.id}: ${text}`).resolves.toBeDefined();
      }
    }
  });

  it('headstart --help lists each topic once, with both tasks in the topic summaries, within 100 columns', async () => {
    const r = await cli(['--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    const topics = r.stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect(new Set(topics).size).toBe(topics.length);
    expect(r.stdout).toMatch(/transfer\s+Put a new head on a pretrained backbone.*forecast.*recommend/s);
  });

  it('the oclif manifest the build writes names exactly the built command files, so start-up finds none missing and none stale', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
    const dir = join(ROOT, 'dist/cli/commands');
    const files = (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.js'))
      .map((f) => relative(dir, join(dir, f)).replace(/\.js$/, '').replace(/(^|\/)index$/, '').split('/').join(':'));
    expect(Object.keys(manifest.commands).sort()).toEqual(files.sort());
  });
});
