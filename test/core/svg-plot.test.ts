import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../core/report/svg-plot.js';

describe('lineChartSvg intervals', () => {
  it('draws a shaded band when every point has an interval, bars when only some do', () => {
    const band = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'q', points: [0, 1, 2].map((x) => ({ x, y: x, lo: x - 1, hi: x + 1 })) }] });
    expect(band.match(/<polygon/g)).toHaveLength(1);
    // The band's outline: three upper points, then three lower points back.
    expect(band.match(/<polygon[^>]*points="([^"]+)"/)![1]!.split(' ')).toHaveLength(6);
    const bars = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'q', points: [{ x: 0, y: 0, lo: -1, hi: 1 }, { x: 1, y: 1 }] }] });
    expect(bars).not.toContain('<polygon');
    expect(bars.match(/<line x1="[\d.]+" x2="[\d.]+" y1/g)!.length).toBeGreaterThan(0);
  });
});
