/** Token of the forecasting use cases (transfer, evaluate, save/load). Its own file so job kinds can inject it without importing module.ts, which imports them. */
export const FORECAST_SERVICE = Symbol.for('headstart.forecasting.ForecastService');
