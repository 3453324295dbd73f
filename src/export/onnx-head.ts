/**
 * A trained classification head as a standalone ONNX graph (opset 17), so a pipeline can run it
 * without Framewise:
 *
 *   features [N, T, D] (raw, as the backbone + streams give them)
 *     → x − mean over time                     only for a model trained on relative input
 *     → (x − mean) / std                       the model's own normalisation, inside the graph
 *     → recurrent: standard ONNX LSTM/GRU nodes, one per layer ('bidirectional' when trained so),
 *                  final state of the top layer (forward ‖ backward)
 *       mean-mlp:  ReduceMean over time → dense + Relu
 *     → dense 'output' → Softmax                → probabilities [N, C]
 *
 * T is free: a clip shorter than the model's clip length is passed as it is (Framewise pads and
 * masks it, which the recurrent cells and the masked mean treat exactly like a shorter sequence).
 *
 * The cells' weights are re-laid for ONNX: Framewise keeps x·K with K [in, G] in gate order
 * LSTM i,f,c,o / GRU z,r,h; ONNX wants W [dirs, G, in] (X·Wᵀ) in gate order LSTM i,o,f,c / GRU
 * z,r,h. Framewise's GRU applies the reset gate before the recurrent product (cells.ts), which is
 * ONNX's linear_before_reset = 0.
 */
import { FramewiseError } from '../errors.js';
import { GraphBuilder, attr, encodeModel, DataType, int64Tensor } from '../features/onnx/onnx-model.js';
import { describeHead } from '../models/heads/registry.js';
import type { ParamStore } from '../models/params.js';
import type { TrainedModel } from '../training/model-io.js';
import { VERSION } from '../version.js';

export const HEAD_ONNX_OPSET = 17;
export const SIDECAR_FORMAT = 'framewise-onnx-head';

/** ONNX gate block b is Framewise's gate block GATE_ORDER[cell][b]. */
export const GATE_ORDER = { lstm: [0, 3, 1, 2], gru: [0, 1, 2] } as const;

/** What DIR/<name>.json says about DIR/<name>.onnx: everything a pipeline needs to feed it. */
export interface HeadSidecar {
  format: typeof SIDECAR_FORMAT;
  version: 1;
  name: string;
  /** The head's architecture, as in the model's model.json. */
  head: { kind: string; cell?: string; layers?: number; hidden: number; bidirectional?: boolean };
  classes: { id: string; name: string }[];
  fps: number;
  clipLength: number;
  /** The CNN backbone alone, e.g. "mobilenet_v2_nsfwjs". */
  backboneId: string;
  /** Streams appended to the backbone's vector, with their versions, e.g. ["motion3"]. */
  streams: string[];
  /** Backbone and streams as Framewise keys features and models by. */
  featureSetId: string;
  featureDim: number;
  input: { name: string; shape: string[]; normalized: 'inside the graph' };
  output: { name: string; shape: string[] };
  opset: number;
  producer: string;
}

/**
 * Re-lays a cell's matrix M [rows, G] (x·M, Framewise gate order) as ONNX's [G, rows] (X·Mᵀ,
 * ONNX gate order), written into `out` at `offset`.
 */
function gateMajor(
  m: Float32Array,
  rows: number,
  H: number,
  order: readonly number[],
  out: Float32Array,
  offset: number,
): void {
  const G = order.length * H;
  for (let b = 0; b < order.length; b++) {
    const src = order[b]! * H;
    for (let j = 0; j < H; j++) {
      const o = offset + (b * H + j) * rows;
      for (let r = 0; r < rows; r++) out[o + r] = m[r * G + src + j]!;
    }
  }
}

function reorderBias(bias: Float32Array, H: number, order: readonly number[], out: Float32Array, offset: number): void {
  for (let b = 0; b < order.length; b++) out.set(bias.subarray(order[b]! * H, (order[b]! + 1) * H), offset + b * H);
}

/**
 * The ONNX W, R, B initializers of one recurrent layer, one direction per parameter prefix (e.g.
 * "lstm_0/fwd", "lstm_0/bwd"; the captioner's "encoder/gru").
 */
export function recurrentWeights(
  params: ParamStore,
  cell: 'lstm' | 'gru',
  prefixes: readonly string[],
  inDim: number,
  H: number,
): { W: Float32Array; R: Float32Array; B: Float32Array } {
  const order = GATE_ORDER[cell];
  const G = order.length * H;
  const dirs = prefixes.length;
  const W = new Float32Array(dirs * G * inDim);
  const R = new Float32Array(dirs * G * H);
  // B = [Wb, Rb] per direction; Framewise has one bias, so Rb stays 0.
  const B = new Float32Array(dirs * 2 * G);
  prefixes.forEach((prefix, d) => {
    gateMajor(params.get(`${prefix}/kernel`), inDim, H, order, W, d * G * inDim);
    gateMajor(params.get(`${prefix}/recurrent_kernel`), H, H, order, R, d * G * H);
    reorderBias(params.get(`${prefix}/bias`), H, order, B, d * 2 * G);
  });
  return { W, R, B };
}

/** dense 'name': x·kernel + bias, through MatMul + Add. */
export function addDenseNodes(g: GraphBuilder, params: ParamStore, name: string, x: string): string {
  const k = g.addFloats(`${name}_kernel`, params.shapes.get(`${name}/kernel`)!, params.get(`${name}/kernel`));
  const b = g.addFloats(`${name}_bias`, params.shapes.get(`${name}/bias`)!, params.get(`${name}/bias`));
  return g.add('Add', [g.add('MatMul', [x, k], `${name}_matmul`), b], `${name}_out`);
}

function addRecurrentEncoder(g: GraphBuilder, model: TrainedModel, normed: string): string {
  const c = model.head.config;
  const dirs = c.bidirectional ? 2 : 1;
  const H = c.hidden;
  const op = c.cell === 'lstm' ? 'LSTM' : 'GRU';
  const shape = (name: string, dims: number[]): string =>
    g.addInitializer(int64Tensor(g.unique(name), [dims.length], dims));
  let seq = g.add('Transpose', [normed], 'time_major', [attr.ints('perm', [1, 0, 2])]);
  let inDim = c.inputDim;
  let last = '';
  for (let l = 0; l < c.layers; l++) {
    const { W, R, B } = recurrentWeights(
      model.head.params,
      c.cell,
      ['fwd', 'bwd'].slice(0, dirs).map((dir) => `${c.cell}_${l}/${dir}`),
      inDim,
      H,
    );
    const G = GATE_ORDER[c.cell].length * H;
    const w = g.addFloats(`${c.cell}_${l}_W`, [dirs, G, inDim], W);
    const r = g.addFloats(`${c.cell}_${l}_R`, [dirs, G, H], R);
    const b = g.addFloats(`${c.cell}_${l}_B`, [dirs, 2 * G], B);
    const y = g.unique(`${c.cell}_${l}_Y`);
    const yh = g.unique(`${c.cell}_${l}_Y_h`);
    g.addNode({
      opType: op,
      name: `${c.cell}_${l}`,
      inputs: [seq, w, r, b],
      outputs: [y, yh],
      attributes: [
        attr.int('hidden_size', H),
        attr.string('direction', dirs === 2 ? 'bidirectional' : 'forward'),
        ...(c.cell === 'gru' ? [attr.int('linear_before_reset', 0)] : []),
      ],
    });
    last = yh;
    if (l === c.layers - 1) break;
    // Y [T, dirs, N, H] → [T, N, dirs·H]: each step's forward and backward outputs side by side.
    const yt = g.add('Transpose', [y], `${c.cell}_${l}_Y_t`, [attr.ints('perm', [0, 2, 1, 3])]);
    seq = g.add('Reshape', [yt, shape('seq_shape', [0, 0, -1])], `${c.cell}_${l}_seq`);
    inDim = H * dirs;
  }
  // Y_h [dirs, N, H] → [N, dirs·H]: the top layer's final states, forward first.
  const ht = g.add('Transpose', [last], 'final_state_t', [attr.ints('perm', [1, 0, 2])]);
  return g.add('Reshape', [ht, shape('pooled_shape', [0, -1])], 'pooled');
}

function addMeanEncoder(g: GraphBuilder, model: TrainedModel, normed: string): string {
  const mean = g.add('ReduceMean', [normed], 'frame_mean', [attr.ints('axes', [1]), attr.int('keepdims', 0)]);
  return g.add('Relu', [addDenseNodes(g, model.head.params, 'mlp_hidden', mean)], 'pooled');
}

/** The head as ONNX protobuf bytes (see the file comment for the graph). */
export function headToOnnx(model: TrainedModel, name = 'framewise-head'): Uint8Array {
  const c = model.head.config;
  const { mean, std } = model.meta.normalization;
  if (mean.length !== c.inputDim || std.length !== c.inputDim)
    throw new FramewiseError('FILE_UNREADABLE', `Model ${name}: its normalisation does not match its feature size.`);
  const g = new GraphBuilder(name);
  const input = g.addInput({ name: 'features', elemType: DataType.FLOAT, dims: ['batch', 'time', c.inputDim] });
  // Relative input: the clip's own mean over time first (the clip is passed unpadded, see above).
  const base = model.meta.normalization.relative
    ? g.add(
        'Sub',
        [input, g.add('ReduceMean', [input], 'clip_mean', [attr.ints('axes', [1]), attr.int('keepdims', 1)])],
        'relative',
      )
    : input;
  const centred = g.add('Sub', [base, g.addFloats('norm_mean', [c.inputDim], Float32Array.from(mean))], 'centred');
  const normed = g.add('Div', [centred, g.addFloats('norm_std', [c.inputDim], Float32Array.from(std))], 'normed');
  const pooled = c.kind === 'mean-mlp' ? addMeanEncoder(g, model, normed) : addRecurrentEncoder(g, model, normed);
  const logits = addDenseNodes(g, model.head.params, 'output', pooled);
  g.addNode({
    opType: 'Softmax',
    name: 'probabilities',
    inputs: [logits],
    outputs: ['probabilities'],
    attributes: [attr.int('axis', -1)],
  });
  g.addOutput({ name: 'probabilities', elemType: DataType.FLOAT, dims: ['batch', c.numClasses] });
  return encodeModel({
    graph: g.build(),
    opset: HEAD_ONNX_OPSET,
    producerName: 'framewise',
    producerVersion: VERSION,
    docString: `Framewise ${describe(model)} head "${name}": features [batch, time, ${c.inputDim}] → class probabilities.`,
    metadata: { classes: JSON.stringify(model.meta.classes.map((cl) => cl.name)), fps: String(model.meta.fps) },
  });
}

function describe(model: TrainedModel): string {
  const c = model.head.config;
  return c.kind === 'mean-mlp' ? describeHead(c) : `${c.layers}-layer ${describeHead(c)}`;
}

function headArchitecture(model: TrainedModel): HeadSidecar['head'] {
  const { kind, cell, layers, hidden, bidirectional } = model.head.config;
  return kind === 'mean-mlp' ? { kind, hidden } : { kind, cell, layers, hidden, bidirectional };
}

/** The JSON written next to the .onnx file. */
export function headSidecar(model: TrainedModel, name: string): HeadSidecar {
  const [backboneId = '', ...streams] = model.meta.backboneId.split('+');
  return {
    format: SIDECAR_FORMAT,
    version: 1,
    name,
    head: headArchitecture(model),
    classes: model.meta.classes.map(({ id, name: n }) => ({ id, name: n })),
    fps: model.meta.fps,
    clipLength: model.meta.clipLength,
    backboneId,
    streams,
    featureSetId: model.meta.backboneId,
    featureDim: model.meta.featureDim,
    input: {
      name: 'features',
      shape: ['batch', 'time', String(model.meta.featureDim)],
      normalized: 'inside the graph',
    },
    output: { name: 'probabilities', shape: ['batch', String(model.head.config.numClasses)] },
    opset: HEAD_ONNX_OPSET,
    producer: `framewise ${VERSION}`,
  };
}
