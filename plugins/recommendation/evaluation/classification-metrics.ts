/** Classification scores on one set of users. */
export interface ClassificationMetrics {
  accuracy: number;
  /** Mean of the per-class recalls (macro accuracy): 1/classes for a constant guess. */
  balancedAccuracy: number;
  /** Mean negative log-likelihood of the true class (probabilities clipped at 1e-7). */
  logLoss: number;
  /** ROC AUC of class 1 (binary tasks only; ties count half). */
  auc?: number;
  users: number;
}

/** Scores of probabilities [n × classes] against class labels. */
export function classificationMetrics(probs: Float32Array, labels: Int32Array, classes: number): ClassificationMetrics {
  const n = labels.length;
  let correct = 0;
  let nll = 0;
  const hits = new Float64Array(classes);
  const totals = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    const y = labels[i]!;
    totals[y]!++;
    if (best === y) {
      correct++;
      hits[y]!++;
    }
    nll -= Math.log(Math.min(1, Math.max(1e-7, probs[i * classes + y]!)));
  }
  let recall = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    if (totals[c]! === 0) continue;
    recall += hits[c]! / totals[c]!;
    present++;
  }
  const m: ClassificationMetrics = { accuracy: n ? correct / n : NaN, balancedAccuracy: present ? recall / present : NaN, logLoss: n ? nll / n : NaN, users: n };
  if (classes === 2) m.auc = rocAuc(Float32Array.from(labels, (_, i) => probs[i * 2 + 1]!), labels);
  return m;
}

/** ROC AUC of scores for label 1 (Mann–Whitney, average ranks for ties); NaN with a single class. */
export function rocAuc(scores: Float32Array, labels: Int32Array): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && scores[order[j]!] === scores[order[i]!]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (labels[order[k]!] === 1) {
      rankSum += rank;
      pos++;
    }
    i = j;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
