/**
 * headstart: transfer learning on sequences.
 *
 *   import { createContainer, builtinPlugins, FORECAST_SERVICE, loadForecastCsv, useBackend } from 'headstart';
 */
export * from './core/index.js';
export * from './plugins/forecasting/index.js';
export * from './plugins/recommendation/index.js';
export { builtinPlugins } from './plugins/index.js';
