/**
 * The contract suite (headstart/testing) over every component the built-in plugins register: a
 * component added later is checked with no change here. Plus the built-in plugins' id-collision rules.
 */
import { rmSync } from 'node:fs';
import { injectable } from 'inversify';
import { afterAll, describe, expect, it } from 'vitest';
import { createContainer, registryOf } from '../../core/container.js';
import { UsageError } from '../../core/errors.js';
import type { Backbone } from '../../core/interfaces/index.js';
import type { ForecastBaseline } from '../../plugins/forecasting/contracts.js';
import { definePlugin } from '../../core/plugin.js';
import { builtinPlugins } from '../../plugins/index.js';
import { componentContracts } from '../../testing/contracts.js';
import { copyWeights } from '../helpers/fixtures.js';

const registry = registryOf(createContainer(builtinPlugins));
const copies: string[] = [];
afterAll(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Never read the live weights folder a pretraining run may be swapping: a copy, when the class allows. */
function copiedWeights(backbone: Backbone<unknown>): Backbone<unknown> | undefined {
  const cls = backbone.constructor as { at?: (dir: string) => Backbone<unknown> };
  const liveDir = (backbone as { weightsDir?: unknown }).weightsDir;
  if (typeof cls.at !== 'function' || typeof liveDir !== 'string') return backbone;
  const copy = copyWeights(liveDir);
  if (!copy) return undefined;
  copies.push(copy);
  return cls.at(copy);
}

componentContracts(builtinPlugins, { pretrainedSource: copiedWeights });

describe('built-in plugins', () => {
  it('register every kind of component, each owned by forecasting or recommendation', () => {
    for (const kind of ['backbone', 'head', 'evaluator', 'adapter', 'baseline', 'pretrainer'] as const) {
      const regs = registry.all(kind);
      expect(regs.length, kind).toBeGreaterThan(0);
      for (const r of regs) expect(['forecasting', 'recommendation']).toContain(r.owner);
    }
  });
});

describe('plugin id collisions', () => {
  @injectable()
  class FakeBaseline implements ForecastBaseline {
    readonly id = 'twin';
    readonly description = 'fake';
    forecast(_h: number[], horizon: number): number[] {
      return new Array<number>(horizon).fill(0);
    }
  }
  @injectable()
  class OtherFakeBaseline extends FakeBaseline {}
  class FakeNaive extends FakeBaseline {
    override readonly id = 'naive';
  }
  class FakeNaiveEvaluator {
    readonly id = 'naive';
    readonly task = 'forecast';
    readonly metrics = ['x'];
    evaluate() {
      return { metrics: ['x'], aggregate: { x: 0 } };
    }
    exampleCases() {
      return [];
    }
  }

  it('a plugin taking another plugin\'s name (a built-in one\'s too) is refused: collision messages would blame the wrong one', () => {
    const impostor = definePlugin('forecasting', (r) => r.baseline('twin', FakeBaseline));
    expect(() => createContainer([...builtinPlugins, impostor])).toThrow(expect.objectContaining({ code: 'duplicate-plugin', message: expect.stringMatching(/two plugins are named "forecasting".*in use: forecasting, recommendation/) }));
  });

  it('two plugins registering the same kind and id fail naming both plugins', () => {
    const alpha = definePlugin('alpha-plugin', (r) => r.baseline('twin', FakeBaseline));
    const beta = definePlugin('beta-plugin', (r) => r.baseline('twin', OtherFakeBaseline));
    const c = createContainer([alpha, beta]);
    let err: unknown;
    try {
      registryOf(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).toContain('alpha-plugin');
    expect(message).toContain('beta-plugin');
    expect(message).toContain('twin');
    expect((err as UsageError).code).toBe('duplicate-id');
  });

  it('a component registered by its class alone takes the id it declares; one that declares none is refused, naming the plugin and the class', () => {
    const byClass = definePlugin('third-party', (r) => r.baseline(FakeBaseline));
    expect(registryOf(createContainer([...builtinPlugins, byClass])).all('baseline').find((x) => x.id === 'twin')!.owner).toBe('third-party');
    class Anonymous {
      readonly task = 'forecast';
      readonly description = 'no id';
    }
    const nameless = definePlugin('third-party', (r) => r.baseline(Anonymous as never));
    expect(() => registryOf(createContainer([...builtinPlugins, nameless]))).toThrow(expect.objectContaining({ code: 'no-id', message: expect.stringMatching(/third-party.*Anonymous.*readonly id/) }));
  });

  it('a component registered under an id other than its own is refused, naming both ids and the plugin', () => {
    const wrong = definePlugin('third-party', (r) => r.baseline('naive-2', FakeNaive));
    expect(() => registryOf(createContainer([...builtinPlugins, wrong]))).toThrow(expect.objectContaining({ code: 'id-mismatch', message: expect.stringMatching(/third-party.*"naive-2".*"naive"/) }));
  });

  it('a plugin colliding with a built-in id fails too; distinct ids and kinds coexist', () => {
    const clash = definePlugin('third-party', (r) => r.baseline('naive', FakeNaive));
    expect(() => registryOf(createContainer([...builtinPlugins, clash]))).toThrow(/forecasting.*third-party|third-party.*forecasting/);
    // Same id under another kind is not a collision; a new id joins the registry.
    const fine = definePlugin('third-party', (r) => {
      r.baseline('twin', FakeBaseline);
      r.evaluator('naive', FakeNaiveEvaluator);
    });
    const reg = registryOf(createContainer([...builtinPlugins, fine]));
    expect(reg.ids('baseline')).toEqual([...registry.ids('baseline'), 'twin'].sort());
    expect(reg.all('baseline').find((r) => r.id === 'twin')!.owner).toBe('third-party');
  });
});
