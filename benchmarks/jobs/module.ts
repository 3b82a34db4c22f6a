import { definePlugin } from '../../core/plugin.js';
import { ForecastBenchCellJob } from './forecast-bench-cell.js';
import { RecommendBenchCellJob } from './recommend-bench-cell.js';

/**
 * The benchmark suites' queued cells, as job kinds `headstart worker` runs. They live with the
 * suites, above the plugins whose services they call, and join the container the CLI builds.
 */
export const benchmarkJobs = definePlugin('benchmarks', (r) => {
  r.job(ForecastBenchCellJob.id, ForecastBenchCellJob);
  r.job(RecommendBenchCellJob.id, RecommendBenchCellJob);
});
