export { loadForecastCsv, validateHorizon, type ForecastLoadOptions } from './csv-loader.js';
export { type FillMode } from './cells.js';
export { inferFrequency, nextTimestamps, parseFrequency, seasonalPeriodOf } from './frequency.js';
export { formatTimestamp, parseTimestamp } from './timestamps.js';
