/**
 * Calibrates an int8 backbone: runs the float model over real footage, records the range of every
 * activation that the int8 graph quantizes, and writes them into the manifest's
 * `quantization.activationRanges`.
 *
 *   scripts/fetch-footage.sh            # once: the Debian clips
 *   npx tsx scripts/calibrate-backbone.ts models/mobilenet_v2_nsfwjs_int8.json
 *
 * Calibration clips: cyclist, ball throw, cockatoo, magnets (4 frames/s, 224² stretched, as
 * extraction sees them). The other clips (cyclist2, ball drop, realshort) are held out: the test
 * in test/features/quantize-int8.test.ts compares int8 and float features on them.
 *
 * New ranges change the features, while feature caches and trained models are keyed by the
 * backbone id: once a backbone has shipped, publish recalibrated ranges under a new id
 * (e.g. mobilenet_v2_nsfwjs_int8_v2) instead of rewriting its manifest.
 */
import * as ort from 'onnxruntime-node';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseManifest } from '../src/features/backbones/registry.js';
import { dequantizeWeights, loadNpmTfjsModel } from '../src/features/backbones/tfjs-source.js';
import { convertKerasToOnnx } from '../src/features/onnx/keras-to-onnx.js';
import type { GraphInit } from '../src/features/onnx/onnx-model.js';
import { activationTensors, withActivationOutputs } from '../src/features/onnx/quantize-qdq.js';
import { decodeFrames } from '../src/video/decode.js';
import { footage } from '../test/fixtures/footage.js';

const CALIBRATION_CLIPS = ['cyclist', 'ballThrow', 'cockatoo', 'magnets'] as const;
const FPS = 4;

const target = process.argv[2];
if (!target) {
  console.error('usage: npx tsx scripts/calibrate-backbone.ts models/<backbone>.json');
  process.exit(2);
}
const json = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
const spec = parseManifest(json, target, true);
if (spec.source.kind !== 'npm' || !spec.quantization) {
  console.error(`${target} is not an npm backbone with a "quantization" block.`);
  process.exit(2);
}

const files = await loadNpmTfjsModel(spec.source);
const weights = dequantizeWeights(files.weightSpecs, files.weightData);
let tensors: string[] = [];
const probe = convertKerasToOnnx(files.topology, weights, {
  featureLayer: spec.featureLayer,
  normalisation: spec.normalisation,
  transformGraph: (graph: GraphInit) => {
    tensors = activationTensors(graph);
    return withActivationOutputs(graph, tensors);
  },
});
const session = await ort.InferenceSession.create(probe.onnx, { intraOpNumThreads: 2 });
const ranges = new Map<string, [number, number]>(tensors.map((t) => [t, [Infinity, -Infinity]]));

const frameBytes = spec.inputWidth * spec.inputHeight * 3;
let frames = 0;
const clips = footage();
for (const key of CALIBRATION_CLIPS) {
  const batch: Uint8Array[] = [];
  const run = async (): Promise<void> => {
    if (batch.length === 0) return;
    const pixels = new Uint8Array(batch.length * frameBytes);
    batch.forEach((f, i) => pixels.set(f, i * frameBytes));
    const out = await session.run({
      frames: new ort.Tensor('uint8', pixels, [batch.length, spec.inputHeight, spec.inputWidth, 3]),
    });
    for (const t of tensors) {
      const data = out[t]!.data as Float32Array;
      const r = ranges.get(t)!;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (v < r[0]) r[0] = v;
        if (v > r[1]) r[1] = v;
      }
    }
    frames += batch.length;
    batch.length = 0;
  };
  const size = { width: spec.inputWidth, height: spec.inputHeight };
  for await (const f of decodeFrames(clips[key].file, { fps: FPS, size })) {
    batch.push(f.data);
    if (batch.length === 8) await run();
  }
  await run();
}

const round = (x: number): number => Number(x.toPrecision(6));
json.quantization = {
  kind: 'int8-qdq',
  calibration: `min/max over ${frames} frames of real footage (${CALIBRATION_CLIPS.join(', ')} from scripts/fetch-footage.sh) at ${FPS} fps; scripts/calibrate-backbone.ts`,
  activationRanges: Object.fromEntries([...ranges].map(([t, [lo, hi]]) => [t, [round(lo), round(hi)]])),
};
const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp`);
writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`);
renameSync(tmp, target);
console.log(`${target}: ${tensors.length} activation ranges from ${frames} frames`);
