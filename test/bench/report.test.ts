/**
 * The bench report: rendered from small fixture results of each suite, every chart is an <svg>
 * naming every series in its legend, series never share a colour, and the page is self-contained.
 */
import { describe, expect, it } from 'vitest';
import { forecastMultiCharts, forecastSavingsCharts, recommendSavingsCharts, renderReport, seriesScales, throughputCharts, type ReportChart } from '../../benchmarks/report/index.js';
import { summariseSavings, savingsMarkdown } from '../../benchmarks/suites/forecast-data-savings-report.js';
import { summariseRecsys } from '../../benchmarks/suites/recommend-data-savings-report.js';
import { summariseMulti, multiMarkdown } from '../../benchmarks/suites/forecast-multi-report.js';
import { markdownToHtml } from '../../benchmarks/report/markdown.js';
import { machine, multiRuns, RECSYS_METHODS, recsysRuns, savingsRuns } from './fixtures.js';

/** The texts of an SVG's <text> elements (legend labels, titles, ticks), entities decoded. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'"));

async function checkCharts(charts: ReportChart[], expected: string[]) {
  const { html, svgs } = await renderReport({ title: 'fixture report', markdown: '| a | b |\n|---|---|\n| 1 | 2 |', charts, machine, backend: 'wasm' });
  expect(charts.length).toBeGreaterThan(0);
  for (const c of charts) {
    const svg = svgs[c.id]!;
    expect(svg.startsWith('<svg'), c.id).toBe(true);
    expect(svg).toContain('</svg>');
    const labels = texts(svg);
    for (const name of expected) expect(labels, `${c.id} legend names ${name}`).toContain(name);
    // Each series is named once in the legend: colour, shape and dash legends are merged into one.
    for (const name of c.series) expect(labels.filter((t) => t === name).length, `${c.id}: ${name} once`).toBe(1);
    expect(html).toContain(`data-chart="${c.id}"`);
  }
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  expect(html).toContain('<td>tfjs backend</td><td>wasm</td>');
  expect(html).toContain('<td>1</td><td>2</td>');
  return { html, svgs };
}

describe('bench report', () => {
  it('forecast data savings: trained strategies and the references, with units on the axes', async () => {
    const summary = summariseSavings(savingsRuns);
    const charts = forecastSavingsCharts(summary, savingsRuns, { dataset: 'aus_retail', series: 152 });
    expect(charts.map((c) => c.id)).toEqual(['time-savings', 'data-savings']);
    const data = charts.find((c) => c.id === 'data-savings')!;
    const { svgs } = await checkCharts([data], ['probe', 'fine-tune', 'scratch', 'zero-shot', 'ets', 'seasonal-naive']);
    expect(data.series).toEqual(['probe', 'fine-tune', 'scratch', 'zero-shot', 'ets', 'seasonal-naive']);
    // Error against training time: the trained strategies' curves at the largest share.
    const time = await checkCharts([charts.find((c) => c.id === 'time-savings')!], ['probe', 'fine-tune', 'scratch']);
    expect(texts(time.svgs['time-savings']!)).toContain('training seconds (wall clock, validation included)');
    const labels = texts(svgs['data-savings']!);
    expect(labels).toContain('share of the 152 series used for training (log scale)');
    expect(labels).toContain('MASE (scaled absolute error, lower is better)');
    expect(labels).toEqual(expect.arrayContaining(['10%', '100%']));
    // The suite's own markdown table comes through as an HTML table.
    expect(markdownToHtml(savingsMarkdown(summary, { series: 152, backend: 'wasm' }))).toMatch(/<th>training series<\/th>.*<td>10%<\/td><td>probe<\/td>/s);
  });

  it('recommendation data savings: the seven series of the issue are all named', async () => {
    const charts = recommendSavingsCharts(summariseRecsys(recsysRuns), recsysRuns, { dataset: 'amazon_beauty.csv' });
    await checkCharts(charts, RECSYS_METHODS);
  });

  it('forecast-multi: per-dataset bars with the geometric mean', async () => {
    const summary = summariseMulti(multiRuns);
    const charts = forecastMultiCharts(summary);
    const { svgs } = await checkCharts(charts, summary.methods);
    expect(texts(svgs['per-dataset']!)).toEqual(expect.arrayContaining(['aus_retail', 'drinks', 'geo-mean (all datasets)']));
    expect(multiMarkdown(summary, { backend: 'wasm', suite: 'fixture' })).toContain('aus_retail');
  });

  it('throughput: one bar per backend', async () => {
    const cell = (backend: string, k: number) => ({ backbone: 'patch-mixer-s', backend, status: 'ok', train: { perSecond: 100 * k }, probe: { perSecond: 300 * k }, inference: { perSecond: 900 * k } });
    await checkCharts(throughputCharts([cell('wasm', 10), cell('cpu', 1), { backbone: 'x', backend: 'tensorflow', status: 'not installed' }]), ['wasm', 'cpu']);
  });

  it('gives up to twelve series each a distinct colour, shape and dash', () => {
    const s = seriesScales(Array.from({ length: 12 }, (_, i) => `m${i}`));
    expect(new Set(s.color.range).size).toBe(12);
    expect(new Set(s.shape.range).size).toBe(12);
    expect(new Set(s.strokeDash.range.map((d) => d.join(','))).size).toBe(12);
  });

  it('markdown tables and text become escaped HTML', () => {
    const html = markdownToHtml('## Title\n\nsome **bold** <b>x</b>\n\n| a | b |\n|---|---|\n| `c` | d |\n\n- one\n- two');
    expect(html).toContain('<h3>Title</h3>');
    expect(html).toContain('<strong>bold</strong> &lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('<td><code>c</code></td><td>d</td>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
  });
});
