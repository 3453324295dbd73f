/**
 * Training and inference of the LSTM/GRU heads at the reference shape (512 clips × 32 steps ×
 * 1280-d features, hidden 256, batch 32, Adam), against the same model in PyTorch CPU and the
 * stock tfjs LSTM layer, all in this run.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/models/backend.js';
import { Rng } from '../src/util/rng.js';
import { SequenceHead } from '../src/models/head.js';
import { train, type TrainingData } from '../src/training/train.js';
import { fmt } from './util.js';
import { torchPeer } from './torch.js';

const CLIPS = 512;
const T = 32;
const D = 1280;
const H = 256;
const BATCH = 32;
const C = 10;

function syntheticData(): TrainingData {
  const rng = new Rng(1);
  const videos = [];
  const segments = [];
  const perVideo = 32;
  for (let v = 0; v < CLIPS / perVideo; v++) {
    const count = perVideo * T;
    const features = new Float32Array(count * D);
    for (let i = 0; i < features.length; i++) features[i] = rng.next();
    videos.push({
      videoId: `v${v}`,
      featureDim: D,
      fps: 4,
      backboneId: 'bench',
      times: Float64Array.from({ length: count }, (_, i) => i / 4),
      features,
    });
    for (let s = 0; s < perVideo; s++)
      segments.push({ videoId: `v${v}`, start: (s * T) / 4, end: ((s + 1) * T) / 4, classId: `c${rng.int(C)}` });
  }
  const classes = Array.from({ length: C }, (_, i) => ({ id: `c${i}`, name: `class ${i}` }));
  return { classes, backboneId: 'bench', featureDim: D, fps: 4, videos, segments };
}

/** Seconds of the second epoch (the first includes warm-up). */
async function oursEpoch(cell: 'lstm' | 'gru', data: TrainingData): Promise<number> {
  const seconds: number[] = [];
  await train(
    {
      clipLength: T,
      batchSize: BATCH,
      epochs: 2,
      valFraction: 0,
      head: { kind: 'recurrent', cell, hidden: H, dropout: 0 },
      seed: 1,
      patience: 0,
    },
    data,
    { onProgress: (p) => void (p.type === 'epoch' && seconds.push(p.seconds)) },
  );
  return seconds[seconds.length - 1]!;
}

function oursInference(cell: 'lstm' | 'gru'): number {
  const head = SequenceHead.create({
    kind: 'recurrent',
    cell,
    layers: 1,
    hidden: H,
    bidirectional: false,
    dropout: 0,
    recurrentDropout: 0,
    inputDim: D,
    numClasses: C,
  });
  const x = new Float32Array(T * BATCH * D).map((_, i) => (i % 97) / 97);
  const mask = new Float32Array(T * BATCH).fill(1);
  head.predictProba({ T, B: BATCH, x, mask }); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < CLIPS / BATCH; i++) head.predictProba({ T, B: BATCH, x, mask });
  return (performance.now() - t0) / 1000;
}

/** The stock tf.layers.lstm; a few batches extrapolated to an epoch when it would take > 60 s. */
async function stockLstmEpoch(): Promise<{ seconds: number; extrapolated: boolean }> {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: H, inputShape: [T, D], recurrentInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units: C, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.randomUniform([BATCH, T, D]);
  const y = tf.randomUniform([BATCH, 1], 0, C, 'int32').toFloat();
  await model.trainOnBatch(x, y);
  const batches = CLIPS / BATCH;
  const t0 = performance.now();
  let done = 0;
  while (done < batches) {
    await model.trainOnBatch(x, y);
    done++;
    if (done >= 3 && ((performance.now() - t0) / done) * batches > 60_000) break;
  }
  tf.dispose([x, y]);
  model.dispose();
  return { seconds: ((performance.now() - t0) / done / 1000) * batches, extrapolated: done < batches };
}

export async function benchTraining(
  log: (s: string) => void,
  opts: { quick: boolean },
): Promise<Record<string, number | string | null>> {
  const r: Record<string, number | string | null> = {};
  const backend = await initBackend();
  r['tfjs_backend'] = backend.detail;
  log(
    `tfjs backend: ${backend.detail}; reference shape ${CLIPS} clips × ${T} steps × ${D}-d, hidden ${H}, batch ${BATCH}`,
  );
  const data = syntheticData();
  for (const cell of ['lstm', 'gru'] as const) {
    const epoch = await oursEpoch(cell, data);
    const infer = oursInference(cell);
    const peer = torchPeer(cell);
    r[`${cell}_epoch_s`] = epoch;
    r[`${cell}_inference_s`] = infer;
    r[`${cell}_torch_epoch_s`] = peer?.epoch_s ?? null;
    r[`${cell}_torch_inference_s`] = peer?.inference_s ?? null;
    r[`${cell}_epoch_ratio_vs_torch`] = peer ? epoch / peer.epoch_s : null;
    r[`${cell}_inference_ratio_vs_torch`] = peer ? infer / peer.inference_s : null;
    const target = cell === 'lstm' ? 5 : 4;
    log(
      `${cell.toUpperCase()}: train ${fmt(epoch)} s/epoch (target ≤ ${target}), inference ${fmt(infer)} s per ${CLIPS} clips; ` +
        (peer
          ? `PyTorch ${peer.torch} (${peer.threads} threads) ${fmt(peer.epoch_s)} s/epoch, ${fmt(peer.inference_s)} s → ratio ours/PyTorch train ${fmt(epoch / peer.epoch_s)}×, inference ${fmt(infer / peer.inference_s)}×`
          : 'PyTorch: not installed (apt-get install python3-torch) — no ratio'),
    );
  }
  if (!opts.quick) {
    const stock = await stockLstmEpoch();
    r['stock_tfjs_lstm_epoch_s'] = stock.seconds;
    r['lstm_speedup_vs_stock_tfjs'] = stock.seconds / (r['lstm_epoch_s'] as number);
    log(
      `stock tf.layers.lstm: ${fmt(stock.seconds, 1)} s/epoch${stock.extrapolated ? ' (extrapolated)' : ''} → ours is ${fmt(r['lstm_speedup_vs_stock_tfjs'] as number, 1)}× faster`,
    );
  }
  return r;
}
