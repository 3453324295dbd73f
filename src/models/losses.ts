/**
 * Softmax and the one cross-entropy both model kinds train with: the classifier over clips (with
 * optional class weights) and the captioner over tokens (ignoring <pad> targets).
 */

function rowMax(x: Float32Array, i: number, C: number): number {
  let mx = -Infinity;
  for (let j = 0; j < C; j++) mx = Math.max(mx, x[i + j]!);
  return mx;
}

/** Row-wise softmax of [rows·C] logits. */
export function softmaxRows(logits: Float32Array, C: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i += C) {
    const mx = rowMax(logits, i, C);
    let s = 0;
    for (let j = 0; j < C; j++) s += out[i + j] = Math.exp(logits[i + j]! - mx);
    for (let j = 0; j < C; j++) out[i + j]! /= s;
  }
  return out;
}

/** Row-wise log-softmax of [rows·C] logits. */
export function logSoftmaxRows(logits: Float32Array, C: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i += C) {
    const mx = rowMax(logits, i, C);
    let s = 0;
    for (let j = 0; j < C; j++) s += Math.exp(logits[i + j]! - mx);
    const lse = mx + Math.log(s);
    for (let j = 0; j < C; j++) out[i + j] = logits[i + j]! - lse;
  }
  return out;
}

export interface CrossEntropy {
  /** Σ w_y·CE / Σ w_y over the counted rows. */
  loss: number;
  /** Rows counted (not ignored). */
  count: number;
  /** Counted rows whose argmax is the label. */
  correct: number;
  /** dLoss/dLogits, already divided by Σ w_y (0 on ignored rows). */
  dLogits: Float32Array;
  probs: Float32Array;
}

/**
 * Softmax cross-entropy of [rows·C] logits against one label per row. With classWeights the mean
 * is weighted (Σ w_y·CE / Σ w_y); rows whose label is `ignoreLabel` count for nothing.
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Int32Array,
  C: number,
  classWeights?: Float32Array | null,
  ignoreLabel?: number,
): CrossEntropy {
  const probs = softmaxRows(logits, C);
  const dLogits = new Float32Array(logits.length);
  let loss = 0;
  let wsum = 0;
  let count = 0;
  let correct = 0;
  for (let b = 0; b < labels.length; b++) {
    const y = labels[b]!;
    if (y === ignoreLabel) continue;
    count++;
    const w = classWeights ? classWeights[y]! : 1;
    wsum += w;
    loss -= w * Math.log(Math.max(probs[b * C + y]!, 1e-12));
    let arg = 0;
    for (let j = 0; j < C; j++) {
      if (probs[b * C + j]! > probs[b * C + arg]!) arg = j;
      dLogits[b * C + j] = w * (probs[b * C + j]! - (j === y ? 1 : 0));
    }
    if (arg === y) correct++;
  }
  const norm = wsum > 0 ? 1 / wsum : 0;
  for (let i = 0; i < dLogits.length; i++) dLogits[i]! *= norm;
  return { loss: loss * norm, count, correct, dLogits, probs };
}

/**
 * Token cross-entropy averaged over the targets that are not `pad` (the captioner's loss). With
 * `smoothing` ε > 0 (label smoothing, Szegedy et al. 2016) the target is (1 − ε)·one-hot + ε/V:
 * loss = (1 − ε)·CE − ε·mean_j log p_j, gradient p − (1 − ε)·one-hot − ε/V. On a few dozen captions
 * it keeps the decoder from becoming certain of the template words it saw most. `correct` counts
 * argmax hits either way.
 */
export function sequenceCrossEntropy(
  logits: Float32Array,
  targets: Int32Array,
  V: number,
  pad = 0,
  smoothing = 0,
): { loss: number; tokens: number; correct: number; dLogits: Float32Array } {
  const r = softmaxCrossEntropy(logits, targets, V, null, pad);
  if (!(smoothing > 0) || r.count === 0)
    return { loss: r.loss, tokens: r.count, correct: r.correct, dLogits: r.dLogits };
  const eps = smoothing;
  const per = 1 / r.count;
  let uniform = 0;
  for (let row = 0; row < targets.length; row++) {
    const y = targets[row]!;
    if (y === pad) continue;
    let meanLog = 0;
    for (let j = 0; j < V; j++) {
      meanLog += Math.log(Math.max(r.probs[row * V + j]!, 1e-12));
      r.dLogits[row * V + j]! -= (eps * per) / V;
    }
    r.dLogits[row * V + y]! += eps * per;
    uniform -= meanLog / V;
  }
  return { loss: (1 - eps) * r.loss + eps * uniform * per, tokens: r.count, correct: r.correct, dLogits: r.dLogits };
}
