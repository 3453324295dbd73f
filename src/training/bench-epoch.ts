/**
 * Seconds per training epoch at the reference shape: 512 clips × 32 steps × 1280-d features,
 * hidden 256, batch 32, Adam. Runs our LSTM and GRU heads through the real train() loop, then the
 * stock tf.layers.lstm (one epoch if it takes under 2 minutes, else a few batches extrapolated).
 *
 *   npx tsx src/training/bench-epoch.ts [--skip-stock]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../ml/backend.js';
import { Rng } from '../ml/rng.js';
import { train, type TrainingData } from './train.js';

const CLIPS = 512;
const T = 32;
const D = 1280;
const H = 256;
const BATCH = 32;
const EPOCHS = 2;

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
      segments.push({ videoId: `v${v}`, start: (s * T) / 4, end: ((s + 1) * T) / 4, classId: `c${rng.int(10)}` });
  }
  const classes = Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, name: `class ${i}` }));
  return { classes, backboneId: 'bench', featureDim: D, fps: 4, videos, segments };
}

/** CPU seconds of this process (robust to other load on the machine; the work is single-threaded). */
const cpuSec = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function benchOurs(cell: 'lstm' | 'gru', data: TrainingData): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let c0 = cpuSec();
  await train(
    {
      clipLength: T,
      batchSize: BATCH,
      epochs: EPOCHS,
      valFraction: 0,
      head: { kind: 'recurrent', cell, hidden: H, dropout: 0.3 },
      seed: 1,
    },
    data,
    {
      onProgress: (p) => {
        if (p.type !== 'epoch') return;
        wall.push(p.seconds);
        cpu.push(cpuSec() - c0);
        c0 = cpuSec();
      },
    },
  );
  // the first epoch includes warm-up (wasm operator caches, JIT); report the steady state
  return { wall: wall[wall.length - 1]!, cpu: cpu[cpu.length - 1]! };
}

async function benchStock(): Promise<{ seconds: number; cpu: number; extrapolated: boolean }> {
  const model = tf.sequential();
  model.add(
    tf.layers.lstm({
      units: H,
      inputShape: [T, D],
      recurrentActivation: 'sigmoid',
      recurrentInitializer: 'glorotUniform',
    }),
  );
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.randomUniform([BATCH, T, D]);
  const y = tf.randomUniform([BATCH, 1], 0, 10, 'int32').toFloat();
  await model.trainOnBatch(x, y); // warm-up
  const budgetMs = 120_000;
  const batches = CLIPS / BATCH;
  const start = performance.now();
  const c0 = cpuSec();
  let done = 0;
  while (done < batches) {
    await model.trainOnBatch(x, y);
    done++;
    const elapsed = performance.now() - start;
    if (done >= 3 && (elapsed / done) * batches > budgetMs) break;
  }
  const perBatch = (performance.now() - start) / done / 1000;
  return { seconds: perBatch * batches, cpu: ((cpuSec() - c0) / done) * batches, extrapolated: done < batches };
}

const info = await initBackend();
console.log(`backend: ${info.detail}`);
console.log(`reference shape: ${CLIPS} clips × ${T} steps × ${D}-d, hidden ${H}, batch ${BATCH}, Adam`);
const data = syntheticData();
for (const cell of ['lstm', 'gru'] as const) {
  const s = await benchOurs(cell, data);
  console.log(`framewise ${cell.toUpperCase()}: ${s.wall.toFixed(2)} s/epoch wall, ${s.cpu.toFixed(2)} s/epoch CPU`);
}
if (!process.argv.includes('--skip-stock')) {
  const stock = await benchStock();
  const how = stock.extrapolated ? ' (extrapolated from a few batches)' : '';
  console.log(
    `stock tf.layers.lstm: ${stock.seconds.toFixed(1)} s/epoch wall, ${stock.cpu.toFixed(1)} s/epoch CPU${how}`,
  );
}
