/** The HTML report of a bench run, written beside its JSON and markdown. */
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { renderReport, type ReportInput } from './html.js';

export { renderReport, environmentRows, type ReportInput, type ReportChart, type RenderedReport } from './html.js';
export { renderSvg } from '../../core/report/vega-render.js';
export { lineChart, barChart, type LineChartInput, type BarChartInput, type LinePoint, type BarRow } from './charts.js';
export { seriesScales } from '../../core/report/series-style.js';
export { forecastSavingsCharts, recommendSavingsCharts, forecastMultiCharts, throughputCharts } from './suite-charts.js';

export interface WrittenReport {
  html: string;
  /** The first chart alone, as `<name>.svg` (what the docs embed); absent when the run has no chart. */
  svg?: string;
}

/** Writes `<dir>/<name>.html` and, when there is a chart, `<dir>/<name>.svg`, each atomically. */
export async function writeReport(dir: string, name: string, input: ReportInput): Promise<WrittenReport> {
  const { html, svgs } = await renderReport(input);
  const written: WrittenReport = { html: join(dir, `${name}.html`) };
  await writeFileAtomic(written.html, html);
  const first = input.charts[0];
  if (first) {
    written.svg = join(dir, `${name}.svg`);
    await writeFileAtomic(written.svg, svgs[first.id]!);
  }
  return written;
}
