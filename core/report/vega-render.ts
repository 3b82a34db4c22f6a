/** Vega-Lite spec -> SVG text, in Node, with no canvas and no network (the report is read offline). */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite's warnings (e.g. that layers' legends were merged, which is what the charts want) would
 * print on the command's stderr; they are kept out. Errors still throw.
 */
const quiet = vega.logger(vega.None);

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec, { logger: quiet }).spec), { renderer: 'none', logger: quiet });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
