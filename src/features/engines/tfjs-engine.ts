/**
 * Reference / fallback FeatureEngine: the original tfjs-layers model on the tfjs WebAssembly backend.
 * About 15x slower than onnxruntime here, but it runs the weights exactly as nsfwjs does, which makes
 * it the ground truth for the converter's numerical check. tfjs' plain 'cpu' backend is another 15x
 * slower and is never chosen.
 *
 * Note: tfjs keeps one global backend per process; this engine switches it to 'wasm'.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { FramewiseError } from '../../errors.js';
import type { FeatureEngine } from '../types.js';
import type { BackboneManifest } from '../backbones/registry.js';
import { loadNpmTfjsModel } from '../backbones/tfjs-source.js';
import type { TfjsLayersModelFiles } from '../backbones/tfjs-source.js';
import type * as TfTypes from '@tensorflow/tfjs';

// Type-only: the runtime module is imported lazily so ONNX users never load tfjs.
type Tf = typeof TfTypes;
type LayersModel = TfTypes.LayersModel;

const require = createRequire(import.meta.url);
let wasmReady: Promise<Tf> | undefined;

/** Loads tfjs and makes 'wasm' the active backend, reading the .wasm binaries from node_modules by file path. */
export function initTfjsWasm(): Promise<Tf> {
  wasmReady ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the wasm loader reads `prefix + 'tfjs-backend-wasm[-simd].wasm'` from disk.
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(dir + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
    return tf;
  })().catch((cause: unknown) => {
    wasmReady = undefined;
    throw new FramewiseError('BACKBONE_UNAVAILABLE', 'The tfjs WebAssembly backend cannot start in this environment.', {
      cause,
    });
  });
  return wasmReady;
}

/** Builds a tfjs LayersModel from in-memory files, truncated at `featureLayer`. */
export async function loadTruncatedLayersModel(
  tf: Tf,
  files: Pick<TfjsLayersModelFiles, 'topology' | 'weightSpecs' | 'weightData'>,
  featureLayer: string | undefined,
): Promise<{ model: LayersModel; featureLayer: string }> {
  const data = files.weightData;
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const full = await tf.loadLayersModel({
    load: async () => ({
      modelTopology: files.topology as unknown as object,
      weightSpecs: files.weightSpecs as TfTypes.io.WeightsManifestEntry[],
      weightData,
    }),
  });
  const target = featureLayer ?? firstDenseInput(full);
  let layer;
  try {
    layer = full.getLayer(target);
  } catch (cause) {
    full.dispose();
    throw new FramewiseError('BACKBONE_UNAVAILABLE', `The tfjs model has no layer "${target}".`, { cause });
  }
  // The truncated model shares the full model's weights, so the full one is not disposed here.
  const model = tf.model({ inputs: full.inputs, outputs: layer.output as TfTypes.SymbolicTensor });
  return { model, featureLayer: layer.name };
}

function firstDenseInput(model: LayersModel): string {
  const dense = model.layers.find((l) => l.getClassName() === 'Dense');
  const inbound = dense?.inboundNodes[0]?.inboundLayers[0];
  return inbound ? inbound.name : (model.layers[model.layers.length - 1]?.name ?? '');
}

class TfjsEngine implements FeatureEngine {
  readonly backboneId: string;
  readonly backend: string;
  readonly featureDim: number;
  readonly inputWidth: number;
  readonly inputHeight: number;
  private disposed = false;
  // tfjs wasm runs on the calling thread: keep batches small so the event loop is not blocked for long.
  private readonly batch = 8;

  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    private readonly spec: BackboneManifest,
  ) {
    this.backboneId = spec.id;
    this.featureDim = spec.featureDim;
    this.inputWidth = spec.inputWidth;
    this.inputHeight = spec.inputHeight;
    this.backend = `tfjs ${tf.version.tfjs} wasm`;
  }

  async embed(frames: Uint8Array, count: number): Promise<Float32Array> {
    if (this.disposed) throw new FramewiseError('BAD_ARGUMENT', 'This feature engine was disposed.');
    const { inputWidth: w, inputHeight: h } = this;
    const frameBytes = w * h * 3;
    if (!Number.isInteger(count) || count < 0 || frames.length !== count * frameBytes) {
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `Expected ${count} frames of ${w}x${h} RGB (${count * frameBytes} bytes), got ${frames.length} bytes.`,
      );
    }
    const { scale, offset } = this.spec.normalisation;
    const out = new Float32Array(count * this.featureDim);
    for (let start = 0; start < count; start += this.batch) {
      const n = Math.min(this.batch, count - start);
      const input = new Float32Array(n * frameBytes);
      const base = start * frameBytes;
      for (let i = 0; i < input.length; i++) {
        const c = i % 3;
        input[i] = (frames[base + i] as number) * (scale[c] as number) + (offset[c] as number);
      }
      const x = this.tf.tensor4d(input, [n, h, w, 3]);
      const y = this.model.predict(x) as TfTypes.Tensor;
      try {
        const data = (await y.data()) as Float32Array;
        if (data.length !== n * this.featureDim) {
          throw new FramewiseError(
            'MODEL_MISMATCH',
            `Backbone ${this.backboneId} produced ${data.length / n} features per frame, expected ${this.featureDim}.`,
          );
        }
        out.set(data, start * this.featureDim);
      } finally {
        x.dispose();
        y.dispose();
      }
      // Yield so other work (ffmpeg pipes, IPC) gets a turn between batches.
      await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}

/** Creates the tfjs-wasm engine for an npm-shipped (tfjs-layers) backbone. */
export async function createTfjsWasmEngine(spec: BackboneManifest): Promise<FeatureEngine> {
  if (spec.source.kind !== 'npm') {
    throw new FramewiseError('BACKBONE_UNAVAILABLE', `Backbone ${spec.id} has no tfjs weights (ONNX only).`);
  }
  const tf = await initTfjsWasm();
  const files = await loadNpmTfjsModel(spec.source);
  const { model } = await loadTruncatedLayersModel(tf, files, spec.featureLayer);
  return new TfjsEngine(tf, model, spec);
}
