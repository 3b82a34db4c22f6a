/**
 * A tiny pretraining corpus, as CSV text (series_id,t,time,value): 6 monthly series of 40 steps,
 * level + trend + a yearly cycle. What a pretrainer's `exampleOptions` pretrains on, and the
 * tests' corpus.
 */
export function exampleCorpusCsv(): string {
  const lines = ['series_id,t,time,value'];
  for (let s = 0; s < 6; s++) {
    for (let t = 1; t <= 40; t++) lines.push(`S${s},${t},${(1990 + (t - 1) / 12).toFixed(4)},${100 + s * 10 + 5 * Math.sin((2 * Math.PI * t) / 12) + t}`);
  }
  return `${lines.join('\n')}\n`;
}

/** How `exampleCorpusCsv`'s columns read as a corpus file. */
export const EXAMPLE_CORPUS_COLUMNS = { idColumn: 'series_id', valueColumn: 'value', orderColumn: 't', timeColumn: 'time' } as const;
