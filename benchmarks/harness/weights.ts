/**
 * Points a registered backbone at another weights folder (a `headstart pretrain … --out`) instead of
 * its shipped one, so a benchmark can score a candidate before it replaces the shipped weights.
 */
export function useWeightsFolder(backbone: object, id: string, dir: string): void {
  if (!('weightsDir' in backbone)) throw new Error(`--weights: ${id} does not read its weights from a folder`);
  (backbone as { weightsDir: string }).weightsDir = dir;
}
