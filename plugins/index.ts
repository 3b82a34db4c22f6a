import type { ContainerModule } from 'inversify';
import { forecastingPlugin } from './forecasting/module.js';
import { recommendationPlugin } from './recommendation/module.js';

/** Plugins that ship with headstart; installed ones join them through the `headstart:register` hook. */
export const builtinPlugins: ContainerModule[] = [forecastingPlugin, recommendationPlugin];
