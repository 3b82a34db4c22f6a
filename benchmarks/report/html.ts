/**
 * One self-contained HTML page per bench run: the environment, every chart as inline SVG, then the
 * suite's tables. No scripts, no external styles or fonts, so it opens offline, from a mail or an
 * artefact store, the same as on the machine that wrote it.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MachineInfo } from '../harness/machine.js';
import { escapeHtml, markdownToHtml } from './markdown.js';
import { renderSvg } from '../../core/report/vega-render.js';

export interface ReportChart {
  /** Stable id of the chart in the page (`data-chart`), e.g. `savings-curve`. */
  id: string;
  spec: TopLevelSpec;
  /** The series the chart must show, checked by the tests. */
  series: string[];
}

export interface ReportInput {
  title: string;
  /** The suite's markdown (tables and notes), shown below the charts. */
  markdown: string;
  charts: ReportChart[];
  machine: MachineInfo;
  /** The tfjs backend that ran. */
  backend: string;
  /** The command or script that produced the run, shown so the reader can re-run it. */
  command?: string;
}

export interface RenderedReport {
  html: string;
  /** Each chart's SVG, by id (the first also goes beside the JSON as `<name>.svg`). */
  svgs: Record<string, string>;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;max-width:1100px;margin:2em auto;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.8em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}tbody tr:nth-child(even){background:#fafafa}
figure{margin:1.2em 0}figure svg{max-width:100%;height:auto}
code{background:#f4f4f4;padding:0 3px}.env td:first-child{font-weight:600}
`;

/** Backend, cores and versions: what a reader needs to compare this run with another. */
export function environmentRows(m: MachineInfo, backend: string): [string, string][] {
  return [
    ['tfjs backend', backend],
    ['CPU', `${m.cpuModel} (${m.cores} logical cores${m.cpuMHz > 0 ? `, ${m.cpuMHz} MHz` : ''})`],
    ['memory', `${m.totalMemoryGB} GiB`],
    ['system', `${m.platform}/${m.arch} ${m.osRelease}`],
    ['Node', m.nodeVersion],
    ['tfjs', m.tfjsVersion],
    ...Object.entries(m.backendPackages).map(([k, v]): [string, string] => [k, v]),
    ['load average at start', m.loadAverage.join(', ')],
    ['measured at', m.takenAt],
  ];
}

export async function renderReport(r: ReportInput): Promise<RenderedReport> {
  const svgs: Record<string, string> = {};
  for (const c of r.charts) svgs[c.id] = await renderSvg(c.spec);
  const env = environmentRows(r.machine, r.backend)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  const figures = r.charts.map((c) => `<figure data-chart="${escapeHtml(c.id)}">\n${svgs[c.id]}\n</figure>`).join('\n');
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(r.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(r.title)}</h1>`,
    ...(r.command ? [`<p>Produced by <code>${escapeHtml(r.command)}</code>.</p>`] : []),
    '<h2>Environment</h2>',
    `<table class="env"><tbody>\n${env}\n</tbody></table>`,
    ...(r.charts.length ? ['<h2>Charts</h2>', figures] : []),
    '<h2>Results</h2>',
    markdownToHtml(r.markdown),
    '</body></html>',
    '',
  ].join('\n');
  return { html, svgs };
}
