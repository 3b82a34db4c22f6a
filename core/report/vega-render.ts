/** Vega-Lite spec -> SVG text, in Node, with no canvas and no network (the report is read offline). */
import type { TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on the first chart, not at start-up: most commands draw none.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  // Vega-Lite's warnings (e.g. that layers' legends were merged, which is what the charts want) would
  // print on the command's stderr; they are kept out. Errors still throw.
  const quiet = vega.logger(vega.None);
  const view = new vega.View(vega.parse(compile(spec, { logger: quiet }).spec), { renderer: 'none', logger: quiet });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
