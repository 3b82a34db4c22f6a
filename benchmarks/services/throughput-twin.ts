/**
 * A throughput cell measured side by side with its PyTorch twin (`bench throughput --twin torch`):
 * the headstart step runs in this process, the twin's in a python child (throughput-twin-process.ts),
 * in alternating rounds (ours train, torch train, ours inference, torch inference; repeated), so
 * load from other processes falls on both sides alike. Rates are items per step at the median of all
 * measured steps of a side. When torch is not importable the cell is measured the same way and the
 * twin reports why it did not run.
 */
import type { Backbone, Head } from '../../core/interfaces/index.js';
import type { BenchBackend } from '../harness/backends.js';
import { median, timeSteps, type StepTiming, type StepTimingOptions } from '../harness/timing.js';
import { cellParameters, measuredCell, phase, prepareCell, profileStep, type CellMeasure, type PreparedCell, type ThroughputCell, type ThroughputSettings, type TwinResult } from './throughput-measure.js';
import { TorchTwinProcess, type TwinProcessOptions } from './throughput-twin-process.js';

/** What a twin cell needs: how to start python, or why it cannot. */
export interface TwinJob extends TwinProcessOptions {
  /** Set when torch is not importable: the twin columns say so and only headstart is measured. */
  unavailable?: string;
}

/** Interleaved rounds per phase (2 with --quick): enough that a burst of load hits both sides. */
export function twinRounds(settings: ThroughputSettings): number {
  return settings.quick ? 2 : 3;
}

const MB = 2 ** 20;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Timings of several rounds as one (medians over every measured step). */
function merged(rounds: Pick<StepTiming, 'stepSeconds' | 'warmupSeconds'>[]): StepTiming {
  const stepSeconds = rounds.flatMap((r) => r.stepSeconds);
  return {
    steps: stepSeconds.length,
    warmupSeconds: rounds.flatMap((r) => r.warmupSeconds),
    stepSeconds,
    medianSeconds: median(stepSeconds),
    totalSeconds: stepSeconds.reduce((a, b) => a + b, 0),
  };
}

/** The build request: the network is named by its tfjs name and the head by its layers' configs, so step.py mirrors what was built. */
export function twinBuildRequest(settings: ThroughputSettings, backbone: Backbone<unknown>, cell: PreparedCell) {
  const params = cellParameters(cell);
  const headLayers = Object.fromEntries(cell.head.network.layers.map((l) => [l.getClassName(), l.getConfig()]));
  return {
    op: 'build',
    network: cell.model.network.name,
    config: (backbone as unknown as { config?: unknown }).config ?? {},
    head: cell.headConfig.head,
    outputs: cell.headConfig.outputs,
    embedding: cell.info.embeddingSize,
    headLayers,
    batch: settings.batch,
    inferenceBatch: settings.inferenceBatch,
    seed: settings.seed,
    lr: settings.learningRate,
    expected: { backbone: params.backbone, headTrainable: params.headTrainable, headNonTrainable: params.headNonTrainable },
  };
}

/** step.py's answer to a build request. */
export type TwinBuild = { parameters: NonNullable<TwinResult['parameters']>; match: boolean; mismatch: Record<string, [number, number]> };

type TimingReply = { stepSeconds: number[]; warmupSeconds: number[]; loss?: number };

/** A CellMeasure that interleaves every phase with the PyTorch twin (see the file comment). */
export function twinMeasure(job: TwinJob): CellMeasure {
  return async (settings: ThroughputSettings, backbone: Backbone<unknown>, headKind: Head<unknown>, backend: BenchBackend): Promise<ThroughputCell> => {
    const { batch, inferenceBatch, secondsPerCell: secs, shares } = settings;
    const rounds = twinRounds(settings);
    // Each side warms up in its first round only; the minimum step count is spread over the rounds.
    const per = (share: number, r: number): StepTimingOptions => ({ warmup: r === 0 ? settings.warmup : 0, seconds: (secs * share) / rounds, minSteps: Math.max(1, Math.ceil(settings.minSteps / rounds)) });
    const cell = await prepareCell(settings, backbone, headKind);
    const torch = job.unavailable ? undefined : new TorchTwinProcess(job);
    let twin: TwinResult = { framework: 'pytorch', status: 'not installed', error: job.unavailable };
    try {
      let twinReady = false;
      if (torch) {
        try {
          const hello = await torch.request<{ torch: string; threads: number; blas: string }>({ op: 'hello' });
          twin = { framework: 'pytorch', status: 'ok', version: hello.torch, threads: hello.threads, blas: hello.blas };
          const built = await torch.request<TwinBuild>(twinBuildRequest(settings, backbone, cell));
          twin = { ...twin, parameters: built.parameters, parametersMatch: built.match, ...(built.match ? {} : { mismatch: built.mismatch }) };
          if (!built.match) process.stderr.write(`[${backend}] ${cell.info.id}: PARAMETER MISMATCH with the PyTorch twin ${JSON.stringify(built.mismatch)} ([headstart, torch])\n`);
          twinReady = true;
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          twin = { ...twin, status: /no PyTorch twin|not twinned/.test(message) ? 'no twin' : 'failed', error: message };
        }
      }
      const ours = { train: [] as StepTiming[], inference: [] as StepTiming[] };
      const theirs = { train: [] as TimingReply[], inference: [] as TimingReply[] };
      // A twin that fails mid-run (a crash, a kernel torch lacks) loses its columns, not headstart's.
      const twinSteps = async (op: 'train' | 'infer', into: TimingReply[], o: StepTimingOptions) => {
        if (!twinReady) return;
        try {
          into.push(await torch!.request<TimingReply>({ op, ...o }));
        } catch (err) {
          twinReady = false;
          twin = { ...twin, status: 'failed', error: err instanceof Error ? err.message : String(err) };
        }
      };
      for (let r = 0; r < rounds; r++) {
        ours.train.push(await timeSteps(cell.trainStep, per(shares.train, r)));
        await twinSteps('train', theirs.train, per(shares.train, r));
        ours.inference.push(await timeSteps(cell.inferStep, per(shares.inference, r)));
        await twinSteps('infer', theirs.inference, per(shares.inference, r));
      }
      const trainLoss = cell.lastLoss();
      const probe = await timeSteps(cell.probeStep, { warmup: settings.warmup, seconds: secs * shares.probe, minSteps: settings.minSteps });
      // After the timings, so profiling's bookkeeping does not slow a timed step.
      const trainProfile = await profileStep(cell.trainStep);
      const inferProfile = await profileStep(cell.inferStep);
      const result: ThroughputCell = {
        ...measuredCell(cell, headKind, backend, { train: { ...phase(batch, merged(ours.train)), finalLoss: trainLoss }, probe: phase(batch, probe), inference: phase(inferenceBatch, merged(ours.inference)) }),
        kernels: { train: trainProfile.kernels, inference: inferProfile.kernels },
        memory: { peakTensorMB: round1(Math.max(trainProfile.peakTensorBytes, inferProfile.peakTensorBytes) / MB), rssMB: round1(process.resourceUsage().maxRSS / 1024) },
      };
      if (twinReady) {
        const train = { ...phase(batch, merged(theirs.train)), finalLoss: theirs.train.at(-1)?.loss ?? NaN };
        const inference = phase(inferenceBatch, merged(theirs.inference));
        const memory = await torch!.request<{ maxRssKB: number }>({ op: 'memory' }).catch(() => ({ maxRssKB: NaN }));
        twin = { ...twin, train, inference, rssMB: round1(memory.maxRssKB / 1024), rounds, ratio: { train: result.train!.perSecond / train.perSecond, inference: result.inference!.perSecond / inference.perSecond } };
      }
      return { ...result, twin };
    } finally {
      await torch?.close();
      cell.dispose();
    }
  };
}
