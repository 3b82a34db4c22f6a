/**
 * How series are told apart in every benchmark chart: each series name gets its own colour AND its
 * own point shape AND its own line dash, so two series never look alike even in grey print or to a
 * reader who cannot tell two hues apart. The order of names decides the style, so a report keeps
 * the same look for the same methods.
 */

/** Okabe–Ito (colour-blind safe) first, then Tableau hues: 12 distinct colours. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8c564b', '#7f7f7f', '#bcbd22', '#9467bd', '#F0E442'];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left', 'wedge', 'stroke', 'arrow', 'triangle'];
/** Line dashes, as vega stroke-dash arrays ([] is solid). */
const DASHES: number[][] = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [1, 3], [4, 2, 1, 2, 1, 2], [10, 2, 2, 2], [3, 5], [14, 3, 3, 3], [5, 1], [2, 6]];

export interface SeriesScales {
  color: { domain: string[]; range: string[] };
  shape: { domain: string[]; range: string[] };
  strokeDash: { domain: string[]; range: number[][] };
}

/** Vega-Lite scales giving each name its own colour, shape and dash (names beyond 12 reuse colours with other shapes). */
export function seriesScales(names: readonly string[]): SeriesScales {
  const domain = [...names];
  return {
    color: { domain, range: domain.map((_, i) => COLOURS[i % COLOURS.length]!) },
    shape: { domain, range: domain.map((_, i) => SHAPES[(i + Math.floor(i / COLOURS.length)) % SHAPES.length]!) },
    strokeDash: { domain, range: domain.map((_, i) => DASHES[(i + Math.floor(i / COLOURS.length)) % DASHES.length]!) },
  };
}
