/**
 * The bench reports in a real headless browser (Debian's chromium through playwright-core): each
 * page loads from disk, shows every chart (an <svg> with a size on the screen), and logs no console
 * error. Skipped, saying why, where no chromium is installed (`.ci/run` installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { forecastMultiCharts, forecastSavingsCharts, recommendSavingsCharts, throughputCharts, writeReport, type ReportChart } from '../../benchmarks/report/index.js';
import { summariseSavings, savingsMarkdown } from '../../benchmarks/suites/forecast-data-savings-report.js';
import { summariseRecsys } from '../../benchmarks/suites/recommend-data-savings-report.js';
import { summariseMulti, multiMarkdown } from '../../benchmarks/suites/forecast-multi-report.js';
import { machine, multiRuns, recsysRuns, savingsRuns } from './fixtures.js';
import { ROOT } from '../helpers/cli.js';

/** CHROMIUM_PATH, else the first chromium on PATH. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

const executable = findChromium();
if (!executable) console.warn('skipping the browser test of the bench report: no chromium on PATH (apt-get install -y chromium, or set CHROMIUM_PATH)');

describe.skipIf(!executable)('bench report in chromium', () => {
  let browser: Browser;
  let dir: string;
  const reports: { name: string; charts: Pick<ReportChart, 'id' | 'series'>[] }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'headstart-report-'));
    const savings = summariseSavings(savingsRuns);
    const multi = summariseMulti(multiRuns);
    const cell = (backend: string, k: number) => ({ backbone: 'patch-mixer-s', backend, status: 'ok', train: { perSecond: 100 * k }, probe: { perSecond: 300 * k }, inference: { perSecond: 900 * k } });
    const inputs = [
      { name: 'forecast-data-savings', markdown: savingsMarkdown(savings, { series: 152, backend: 'wasm' }), charts: forecastSavingsCharts(savings, savingsRuns, { dataset: 'aus_retail', series: 152 }) },
      { name: 'recommend-data-savings', markdown: 'NDCG@10 by share.', charts: recommendSavingsCharts(summariseRecsys(recsysRuns), recsysRuns, { dataset: 'amazon_beauty.csv' }) },
      { name: 'forecast-multi', markdown: multiMarkdown(multi, { backend: 'wasm', suite: 'fixture' }), charts: forecastMultiCharts(multi) },
      { name: 'throughput', markdown: '# Throughput', charts: throughputCharts([cell('wasm', 10), cell('cpu', 1)]) },
    ];
    for (const r of inputs) {
      await writeReport(dir, r.name, { title: r.name, markdown: r.markdown, charts: r.charts, machine, backend: 'wasm' });
      reports.push({ name: r.name, charts: r.charts });
    }
    // Running as root (CI containers) needs --no-sandbox.
    browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-gpu'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every report loads offline, shows each chart and logs no console error', async () => {
    // The fixture reports, and the example the docs link (committed, written by `headstart bench`).
    const example = { name: 'chicago-savings', file: join(ROOT, 'docs/examples/chicago-savings.html'), title: 'Forecasting data savings: chicago_ridership', charts: [{ id: 'time-savings', series: ['probe', 'scratch'] }, { id: 'data-savings', series: ['probe', 'scratch', 'zero-shot', 'ets', 'seasonal-naive'] }] };
    const pages = [...reports.map((r) => ({ ...r, file: join(dir, `${r.name}.html`), title: r.name })), example];
    for (const r of pages) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      // Anything fetched from the network would be a report that breaks offline.
      const requests: string[] = [];
      page.on('request', (q) => {
        if (!q.url().startsWith('file:')) requests.push(q.url());
      });
      const response = await page.goto(pathToFileURL(r.file).href, { waitUntil: 'load' });
      expect(response?.ok(), r.name).toBe(true);
      expect(await page.title()).toBe(r.title);
      const figures = page.locator('figure[data-chart] > svg');
      expect(await figures.count(), r.name).toBe(r.charts.length);
      for (let i = 0; i < r.charts.length; i++) {
        const svg = figures.nth(i);
        await expect.poll(() => svg.isVisible(), { timeout: 5_000 }).toBe(true);
        const box = await svg.boundingBox();
        expect(box && box.width > 200 && box.height > 100, `${r.name}: chart ${r.charts[i]!.id} has a size on screen`).toBe(true);
        const text = await svg.textContent();
        for (const name of r.charts[i]!.series) expect(text, `${r.name}: ${name}`).toContain(name);
      }
      expect(errors, r.name).toEqual([]);
      expect(requests, r.name).toEqual([]);
      await page.close();
    }
  });
});
