import os from 'node:os';
import { createRequire } from 'node:module';
import { version as tfVersion } from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

/** What a benchmark result was measured on; goes into every results JSON. */
export interface MachineInfo {
  /** ISO time the info was taken. */
  takenAt: string;
  cpuModel: string;
  /** Logical cores (os.cpus().length). */
  cores: number;
  cpuMHz: number;
  arch: string;
  platform: string;
  osRelease: string;
  totalMemoryGB: number;
  nodeVersion: string;
  tfjsVersion: string;
  /** Versions of the tfjs backend packages that resolve here (absent ones omitted). */
  backendPackages: Record<string, string>;
  /** 1/5/15-minute load averages when the info was taken: other work on the machine slows results. */
  loadAverage: [number, number, number];
}

const BACKEND_PACKAGES = ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

function packageVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** CPU, memory, Node and tfjs versions, and the current load average. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const backendPackages: Record<string, string> = {};
  for (const pkg of BACKEND_PACKAGES) {
    const v = packageVersion(pkg);
    if (v) backendPackages[pkg] = v;
  }
  const [l1, l5, l15] = os.loadavg();
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    takenAt: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    cpuMHz: cpus[0]?.speed ?? 0,
    arch: os.arch(),
    platform: os.platform(),
    osRelease: os.release(),
    totalMemoryGB: round2(os.totalmem() / 2 ** 30),
    nodeVersion: process.version,
    tfjsVersion: tfVersion.tfjs,
    backendPackages,
    loadAverage: [round2(l1 ?? 0), round2(l5 ?? 0), round2(l15 ?? 0)],
  };
}

/** One line for a report header: "AMD EPYC … (2 cores), Node v20.x, tfjs 4.22.0, load 1.9". */
export function machineSummary(m: MachineInfo): string {
  return `${m.cpuModel} (${m.cores} cores), ${m.platform}/${m.arch}, Node ${m.nodeVersion}, tfjs ${m.tfjsVersion}, load average ${m.loadAverage[0]} at start`;
}

/** A warning when the machine was busy at the start (1-minute load ≥ half the cores), else undefined. */
export function loadWarning(m: MachineInfo): string | undefined {
  return m.loadAverage[0] >= m.cores / 2
    ? `machine busy at start (1-min load average ${m.loadAverage[0]} on ${m.cores} cores): other processes were running, so these rates are lower than on an idle machine`
    : undefined;
}
