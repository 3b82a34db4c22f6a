/** Shared helpers for benchmark scripts. */
export { parseArgs, formatUsage, ArgsError, type ArgsSpec, type FlagSpec, type ParsedArgs, type ParseOptions } from './args.js';
export { median, quantile, mean, timeSteps, ratePerSecond, type StepTiming, type StepTimingOptions } from './timing.js';
export { machineInfo, machineSummary, loadWarning, type MachineInfo } from './machine.js';
export { writeResults, resultsDir, projectRoot, scriptCommand, type WrittenResults } from './results.js';
export { formatRate, formatInt } from './format.js';
export { BENCH_BACKENDS, BACKEND_PACKAGE, isBackendInstalled, type BenchBackend } from './backends.js';
export { useWeightsFolder } from './weights.js';
export { runInChild, replyToParent, isChildProcess } from './child.js';
