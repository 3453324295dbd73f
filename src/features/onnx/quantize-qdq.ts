/**
 * Static int8 quantization of a converted backbone, in ONNX's QDQ form.
 *
 * Every activation that enters a Conv, Add or GlobalAveragePool goes through a
 * QuantizeLinear → DequantizeLinear pair (uint8, asymmetric, one scale per tensor, from calibrated
 * ranges); conv weights get one scale per output channel, biases are int32 at input scale × weight
 * scale. The graph stays a valid float graph — each Q/DQ pair just rounds — and onnxruntime fuses
 * DQ → Conv → Q into QLinearConv (likewise Add, pooling).
 *
 * Why weights are stored as uint8 (zero point 128) and not int8: the same features on every CPU.
 * onnxruntime's uint8 × int8 GEMM on x86 without VNNI (AVX2, most laptops) adds pairs of products
 * in int16 with saturation (vpmaddubsw), so full-range int8 weights give different — wrong —
 * features there than on a VNNI or ARM machine. uint8 × uint8 is widened to int16 before any
 * product (vpmaddwd) and is exact everywhere; the dequantized weights are identical to the int8
 * ones. `int16PairOverflows` proves a graph safe without owning the CPU (docs/backbones.md).
 *
 * Layers named in `floatLayers` stay float32 with unrounded inputs: the stem's rounding is what
 * moves MobileNetV2's features most, measured per layer.
 *
 * Why ranges are shipped instead of computed on the user's machine: calibration needs
 * representative frames, and the result must be the same everywhere so that feature caches and
 * trained models agree. scripts/calibrate-backbone.ts recomputes them.
 */
import { DataType, floatTensor } from './onnx-model.js';
import type { GraphInit, NodeInit, TensorInit } from './onnx-model.js';

/** Ops whose activation inputs are quantized (the ones onnxruntime has QLinear kernels for). */
const QUANTIZED_INPUT_OPS = new Set(['Conv', 'Add', 'GlobalAveragePool']);

export type ActivationRanges = Readonly<Record<string, readonly [number, number]>>;

/** Names of the activation tensors that need a calibrated range, in graph order. */
export function activationTensors(graph: GraphInit): string[] {
  const initializers = new Set(graph.initializers.map((t) => t.name));
  const out = new Set<string>();
  for (const node of graph.nodes) {
    if (!QUANTIZED_INPUT_OPS.has(node.opType)) continue;
    // A Conv's weight and bias are initializers; only its data input is an activation.
    const inputs = node.opType === 'Conv' ? node.inputs.slice(0, 1) : node.inputs;
    for (const input of inputs) if (input !== '' && !initializers.has(input)) out.add(input);
  }
  return [...out];
}

/** The same graph with `tensors` added as outputs, for collecting their ranges on calibration frames. */
export function withActivationOutputs(graph: GraphInit, tensors: readonly string[]): GraphInit {
  return {
    ...graph,
    outputs: [
      ...graph.outputs,
      ...tensors.map((name) => ({ name, elemType: DataType.FLOAT, dims: ['N', 'C', 'H', 'W'] as const })),
    ],
  };
}

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** uint8 affine parameters covering [lo, hi]; the range always includes 0 so that 0 is exact (padding, ReLU). */
export function uint8Params(lo: number, hi: number): QuantParams {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new RangeError(`bad calibration range [${lo}, ${hi}]`);
  }
  const min = Math.min(0, lo);
  const max = Math.max(0, hi);
  const scale = Math.max(max - min, 1e-6) / 255;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
  return { scale, zeroPoint };
}

/** Symmetric int8 per-output-channel quantization of a weight tensor laid out [Cout, ...]. */
export function quantizeWeightsPerChannel(
  weights: Float32Array,
  channels: number,
  /** Lower bounds for the scales (keeps an int32 bias in range, see quantizeGraphQdq). */
  minScales?: Float32Array,
): { values: Int8Array; scales: Float32Array } {
  const per = weights.length / channels;
  if (!Number.isInteger(per)) throw new RangeError(`${weights.length} weights do not split into ${channels} channels`);
  const values = new Int8Array(weights.length);
  const scales = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    let max = 0;
    for (let j = o * per; j < (o + 1) * per; j++) max = Math.max(max, Math.abs(weights[j] as number));
    const scale = Math.max(Math.max(max, 1e-12) / 127, minScales?.[o] ?? 0);
    scales[o] = scale;
    for (let j = o * per; j < (o + 1) * per; j++) {
      values[j] = Math.max(-127, Math.min(127, Math.round((weights[j] as number) / scale)));
    }
  }
  return { values, scales };
}

const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;
const INT32_MAX = 2 ** 31 - 1;

/**
 * Bumped whenever the emitted int8 graph changes, so cached int8 models get rebuilt. 3: uint8
 * weights (the same values as version 2's int8 ones, without AVX2's saturation).
 */
export const QUANTIZER_VERSION = 3;

function rawTensor(name: string, dataType: number, dims: readonly number[], bytes: Uint8Array): TensorInit {
  // onnx-model's DataType lists the element types the float converter emits; int8/int32 are only used here.
  return { name, dataType: dataType as TensorInit['dataType'], dims: [...dims], rawData: bytes };
}

function floatsOf(t: TensorInit): Float32Array {
  if (t.dataType !== DataType.FLOAT) throw new RangeError(`initializer ${t.name} is not float32`);
  const copy = t.rawData.slice();
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** The same symmetric weights stored as uint8 with zero point 128: identical values after DequantizeLinear. */
function toUint8(values: Int8Array): Uint8Array {
  return Uint8Array.from(values, (v) => v + 128);
}

function bytesOf(a: Int8Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Rewrites a float graph into QDQ int8 form. `ranges` must cover every tensor that
 * `activationTensors(graph)` names; a missing one is an error (the manifest no longer matches the
 * converted graph), never a silent float fallback.
 */
export interface QdqOptions {
  /** Storage of conv weights; int8 only to show what saturates (see the file header). Default uint8. */
  weightType?: 'int8' | 'uint8';
  /** Convs that stay float32, with their inputs unrounded: node names or their prefixes. */
  floatLayers?: readonly string[];
}

export function quantizeGraphQdq(graph: GraphInit, ranges: ActivationRanges, options: QdqOptions = {}): GraphInit {
  const weightType = options.weightType ?? 'uint8';
  const floatLayers = options.floatLayers ?? [];
  const isFloatConv = (n: NodeInit): boolean =>
    n.opType === 'Conv' && floatLayers.some((prefix) => (n.name ?? '').startsWith(prefix));
  const activations = activationTensors(graph);
  const missing = activations.filter((t) => !Object.hasOwn(ranges, t));
  if (missing.length > 0) {
    throw new RangeError(`no calibrated range for ${missing.length} tensor(s): ${missing.slice(0, 5).join(', ')}`);
  }
  // The nodes reading each tensor (a node that reads one twice is listed twice, as a use count needs).
  const readers = new Map<string, NodeInit[]>();
  for (const node of graph.nodes) {
    for (const i of node.inputs) {
      const list = readers.get(i);
      if (list) list.push(node);
      else readers.set(i, [node]);
    }
  }
  // A tensor read only by float convs is never rounded.
  const wanted = activations.filter((t) => !(readers.get(t) ?? []).every(isFloatConv));
  const params = new Map<string, QuantParams>(
    wanted.map((t) => {
      const [lo, hi] = ranges[t] as readonly [number, number];
      return [t, uint8Params(lo, hi)];
    }),
  );
  const initializers = new Map(graph.initializers.map((t) => [t.name, t]));
  const replaced = new Set<string>();
  const added: TensorInit[] = [];
  const nodes: NodeInit[] = [];
  const dequantized = new Map<string, string>();

  const quantizeActivation = (tensor: string): void => {
    const q = params.get(tensor);
    if (!q || dequantized.has(tensor)) return;
    const scale = `${tensor}_qscale`;
    const zero = `${tensor}_qzero`;
    added.push(floatTensor(scale, [], new Float32Array([q.scale])));
    added.push(rawTensor(zero, DataType.UINT8, [], new Uint8Array([q.zeroPoint])));
    nodes.push({
      opType: 'QuantizeLinear',
      inputs: [tensor, scale, zero],
      outputs: [`${tensor}_q`],
      name: `${tensor}_Q`,
    });
    nodes.push({
      opType: 'DequantizeLinear',
      inputs: [`${tensor}_q`, scale, zero],
      outputs: [`${tensor}_dq`],
      name: `${tensor}_DQ`,
    });
    dequantized.set(tensor, `${tensor}_dq`);
  };
  const dequantizeInitializer = (
    name: string,
    dataType: number,
    dims: readonly number[],
    values: Uint8Array,
    scales: Float32Array,
    zeroPoint = 0,
  ): string => {
    const channels = scales.length;
    added.push(rawTensor(`${name}_q`, dataType, dims, values));
    added.push(floatTensor(`${name}_scale`, [channels], scales));
    const zeros = new Uint8Array(channels * (dataType === INT32 ? 4 : 1)).fill(zeroPoint);
    added.push(rawTensor(`${name}_zero`, dataType, [channels], zeros));
    nodes.push({
      opType: 'DequantizeLinear',
      inputs: [`${name}_q`, `${name}_scale`, `${name}_zero`],
      outputs: [`${name}_dq`],
      name: `${name}_DQ`,
      attributes: [{ name: 'axis', kind: 'int', value: 0 }],
    });
    return `${name}_dq`;
  };

  // An initializer used by more than one node (never by our converter) stays float: its int8 form
  // would need one scale per user, and removing it would leave the others dangling.
  const ownConstant = (name: string | undefined): TensorInit | undefined => {
    const t = name ? initializers.get(name) : undefined;
    return t && readers.get(t.name)?.length === 1 && t.dataType === DataType.FLOAT ? t : undefined;
  };

  for (const input of graph.inputs) quantizeActivation(input.name);
  for (const node of graph.nodes) {
    const inputs = isFloatConv(node) ? [...node.inputs] : node.inputs.map((i) => dequantized.get(i) ?? i);
    const input = params.get(node.inputs[0] ?? '');
    const w = ownConstant(node.inputs[1]);
    const b = node.inputs[2] ? ownConstant(node.inputs[2]) : undefined;
    // A Conv is stored in int8 when its data input is quantized and its weights (and bias) are its own.
    if (node.opType === 'Conv' && !isFloatConv(node) && input && w && (!node.inputs[2] || b)) {
      const channels = w.dims[0] as number;
      const bias = b ? floatsOf(b) : undefined;
      // The bias is stored as int32 at input scale × weight scale; a channel whose weights are all
      // (near) zero would need a bias beyond int32, so its weight scale is raised instead (as
      // onnxruntime's own quantizer does).
      const minScales = bias?.map((v) => Math.abs(v) / (input.scale * INT32_MAX));
      const { values, scales } = quantizeWeightsPerChannel(floatsOf(w), channels, minScales);
      replaced.add(w.name);
      inputs[1] =
        weightType === 'uint8'
          ? dequantizeInitializer(w.name, UINT8, w.dims, toUint8(values), scales, 128)
          : dequantizeInitializer(w.name, INT8, w.dims, bytesOf(values), scales);
      if (b && bias) {
        const biasScales = scales.map((s) => s * input.scale);
        const q = new Int32Array(channels);
        for (let o = 0; o < channels; o++) {
          const v = Math.round((bias[o] as number) / (biasScales[o] as number));
          q[o] = Math.max(-INT32_MAX, Math.min(INT32_MAX, v));
        }
        replaced.add(b.name);
        inputs[2] = dequantizeInitializer(b.name, INT32, b.dims, bytesOf(q), biasScales);
      }
    }
    nodes.push({ ...node, inputs });
    for (const output of node.outputs) quantizeActivation(output);
  }
  return {
    ...graph,
    nodes,
    initializers: [...graph.initializers.filter((t) => !replaced.has(t.name)), ...added],
  };
}

/**
 * Largest |int8 weight| for which two uint8 × int8 products always fit an int16 pair sum:
 * 255 × 64 × 2 = 32640 ≤ 32767.
 */
export const PAIR_SAFE_INT8_WEIGHT = 64;

/**
 * Convs of a QDQ graph whose integer kernels could saturate on some CPU: int8 weights beyond
 * PAIR_SAFE_INT8_WEIGHT (uint8 activations reach 255, so a pair of products can pass 32767 in
 * AVX2's int16 pair sum). uint8 weights are never listed: that kernel widens before multiplying.
 * Depends only on the graph, so a test proves a backbone portable on whatever CPU runs it.
 */
export function int16PairOverflows(graph: GraphInit): string[] {
  const byName = new Map(graph.initializers.map((t) => [t.name, t]));
  const producer = new Map<string, NodeInit>();
  for (const node of graph.nodes) for (const o of node.outputs) producer.set(o, node);
  const risky: string[] = [];
  for (const node of graph.nodes) {
    if (node.opType !== 'Conv') continue;
    const dq = producer.get(node.inputs[1] ?? '');
    const q = dq?.opType === 'DequantizeLinear' ? byName.get(dq.inputs[0] ?? '') : undefined;
    if (!q || (q.dataType as number) !== INT8) continue;
    const values = new Int8Array(q.rawData.buffer, q.rawData.byteOffset, q.rawData.byteLength);
    let max = 0;
    for (const v of values) max = Math.max(max, Math.abs(v));
    if (max > PAIR_SAFE_INT8_WEIGHT) risky.push(node.name ?? node.outputs[0] ?? '?');
  }
  return risky;
}
