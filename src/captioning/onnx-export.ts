/**
 * A trained captioner (captioning/model.ts) as two standalone ONNX graphs (opset 17), so a pipeline
 * can caption with onnxruntime alone:
 *
 *   encoder: features [N, T, D] (raw; T = the segment's frames, at most `steps`)
 *            → (x − mean) / std → ONNX LSTM/GRU → final state (+ tanh(mean_t(x)·W_s + b_s) with
 *            summary 'mean')                                       → context [N, He]
 *            with attention also every step's output               → memory [N, T, He]
 *   decoder: one step. token [N] (int64), h [N, Hd] (and c [N, Hd] for LSTM), context [N, He]
 *            → embedding ‖ context → one ONNX LSTM/GRU step h' → dense → logits, log_probs [N, V], h (, c)
 *            With attention (models/attention.ts, Luong 'general'), also memory [N, T, He] and
 *            memory_mask [N, T]: scores h'·W_a·m_j (masked steps left out), α = softmax,
 *            c = Σ α_j m_j, h̃ = tanh([h' ; c]·W_c + b_c), and the dense reads h̃ instead of h'.
 *            The state fed back is h' (Framewise does no input feeding).
 *
 * Greedy decoding: token = <bos>, h = c = 0; run the decoder, take argmax(log_probs), feed it back,
 * stop at <eos>. Framewise pads a segment shorter than `steps` and masks the padding, which the
 * cells treat exactly like the shorter sequence fed here; memory_mask lets a caller batch segments
 * of different lengths in the decoder (each encoded on its own, memories zero-padded to one T).
 */
import { GraphBuilder, attr, encodeModel, DataType, int64Tensor } from '../features/onnx/onnx-model.js';
import type { TrainedCaptioner } from './captioner-io.js';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID } from './tokenizer.js';
import { VERSION } from '../version.js';
import { GATE_ORDER, HEAD_ONNX_OPSET, addDenseNodes, recurrentWeights } from '../export/onnx-head.js';

export const CAPTIONER_SIDECAR_FORMAT = 'framewise-onnx-captioner';

/** One LSTM/GRU node over `x` [T, N, in] from the captioner's `prefix` weights; returns Y_h (and Y_c). */
function addCell(
  g: GraphBuilder,
  cap: TrainedCaptioner,
  prefix: 'encoder' | 'decoder',
  x: string,
  inDim: number,
  H: number,
  initial: { h: string; c?: string } | null,
): { y: string; h: string; c: string | null } {
  const cell = cap.model.config.cell;
  const { W, R, B } = recurrentWeights(cap.model.params, cell, [`${prefix}/${cell}`], inDim, H);
  const G = GATE_ORDER[cell].length * H;
  const w = g.addFloats(`${prefix}_W`, [1, G, inDim], W);
  const r = g.addFloats(`${prefix}_R`, [1, G, H], R);
  const b = g.addFloats(`${prefix}_B`, [1, 2 * G], B);
  const y = g.unique(`${prefix}_Y`);
  const h = g.unique(`${prefix}_Y_h`);
  const c = cell === 'lstm' ? g.unique(`${prefix}_Y_c`) : null;
  const inputs = [x, w, r, b];
  if (initial) inputs.push('', initial.h, ...(initial.c ? [initial.c] : []));
  g.addNode({
    opType: cell === 'lstm' ? 'LSTM' : 'GRU',
    name: `${prefix}_${cell}`,
    inputs,
    outputs: c ? [y, h, c] : [y, h],
    attributes: [
      attr.int('hidden_size', H),
      attr.string('direction', 'forward'),
      ...(cell === 'gru' ? [attr.int('linear_before_reset', 0)] : []),
    ],
  });
  return { y, h, c };
}

const hasAttention = (cap: TrainedCaptioner): boolean => cap.model.config.attention === 'general';

const shapeOf = (g: GraphBuilder, name: string, dims: number[]): string =>
  g.addInitializer(int64Tensor(g.unique(name), [dims.length], dims));

/** The encoder graph: features [N, T, D] → context [N, He]. */
export function captionEncoderToOnnx(cap: TrainedCaptioner, name: string): Uint8Array {
  const c = cap.model.config;
  const { mean, std } = cap.meta.normalization;
  const g = new GraphBuilder(`${name}-encoder`);
  const input = g.addInput({ name: 'features', elemType: DataType.FLOAT, dims: ['N', 'T', c.inputDim] });
  const centred = g.add('Sub', [input, g.addFloats('norm_mean', [c.inputDim], Float32Array.from(mean))], 'centred');
  const normed = g.add('Div', [centred, g.addFloats('norm_std', [c.inputDim], Float32Array.from(std))], 'normed');
  // Relative input: each frame less the segment's mean frame (model.ts); the summary reads the mean.
  let frames = normed;
  if (c.input === 'relative') {
    const m = g.add('ReduceMean', [normed], 'segment_mean', [attr.ints('axes', [1]), attr.int('keepdims', 1)]);
    frames = g.add('Sub', [normed, m], 'relative');
    if (c.relativeScale)
      frames = g.add(
        'Mul',
        [frames, g.addFloats('relative_scale', [c.inputDim], Float32Array.from(c.relativeScale))],
        'relative_scaled',
      );
  }
  const seq = g.add('Transpose', [frames], 'time_major', [attr.ints('perm', [1, 0, 2])]);
  const { y, h } = addCell(g, cap, 'encoder', seq, c.inputDim, c.encoderHidden, null);
  let ctx = g.add('Reshape', [h, shapeOf(g, 'ctx_shape', [-1, c.encoderHidden])], 'final_state');
  if (c.summary === 'mean') {
    const m = g.add('ReduceMean', [normed], 'frame_mean', [attr.ints('axes', [1]), attr.int('keepdims', 0)]);
    const s = g.add('Tanh', [addDenseNodes(g, cap.model.params, 'summary', m)], 'summary_tanh');
    ctx = g.add('Add', [ctx, s], 'context_sum');
  }
  g.addNode({ opType: 'Identity', name: 'context', inputs: [ctx], outputs: ['context'], attributes: [] });
  g.addOutput({ name: 'context', elemType: DataType.FLOAT, dims: ['N', c.encoderHidden] });
  if (hasAttention(cap)) {
    // Y [T, 1, N, He] → [N, T, He]: what the decoder's attention reads.
    const yt = g.add('Transpose', [y], 'memory_t', [attr.ints('perm', [2, 0, 1, 3])]);
    const shape = shapeOf(g, 'memory_shape', [0, 0, c.encoderHidden]);
    g.addNode({ opType: 'Reshape', name: 'memory', inputs: [yt, shape], outputs: ['memory'], attributes: [] });
    g.addOutput({ name: 'memory', elemType: DataType.FLOAT, dims: ['N', 'T', c.encoderHidden] });
  }
  const what = hasAttention(cap) ? 'context, memory' : 'context';
  return encode(g, `Framewise captioner "${name}" encoder: features [N, T, ${c.inputDim}] → ${what}.`);
}

/** The one-step decoder graph: token, state, context → logits, log_probs, new state. */
export function captionDecoderToOnnx(cap: TrainedCaptioner, name: string): Uint8Array {
  const c = cap.model.config;
  const Hd = c.decoderHidden;
  const lstm = c.cell === 'lstm';
  const g = new GraphBuilder(`${name}-decoder`);
  const token = g.addInput({ name: 'token', elemType: DataType.INT64, dims: ['N'] });
  const hIn = g.addInput({ name: 'h', elemType: DataType.FLOAT, dims: ['N', Hd] });
  const cIn = lstm ? g.addInput({ name: 'c', elemType: DataType.FLOAT, dims: ['N', Hd] }) : null;
  const ctx = g.addInput({ name: 'context', elemType: DataType.FLOAT, dims: ['N', c.encoderHidden] });
  const table = g.addFloats('embeddings', [c.vocabSize, c.embedDim], cap.model.params.get('embedding/embeddings'));
  const emb = g.add('Gather', [table, token], 'embedded', [attr.int('axis', 0)]);
  const x = g.add('Concat', [emb, ctx], 'decoder_input', [attr.int('axis', 1)]);
  const Din = c.embedDim + c.encoderHidden;
  const step = shapeOf(g, 'step_shape', [1, -1, Din]);
  const state = shapeOf(g, 'state_shape', [1, -1, Hd]);
  const flat = shapeOf(g, 'flat_shape', [-1, Hd]);
  const x1 = g.add('Reshape', [x, step], 'decoder_step');
  const h0 = g.add('Reshape', [hIn, state], 'h0');
  const c0 = cIn ? g.add('Reshape', [cIn, state], 'c0') : undefined;
  const out = addCell(g, cap, 'decoder', x1, Din, Hd, { h: h0, ...(c0 ? { c: c0 } : {}) });
  const hNew = g.add('Reshape', [out.h, flat], 'h_new');
  const top = hasAttention(cap) ? addAttentionNodes(g, cap, hNew) : hNew;
  const logits = addDenseNodes(g, cap.model.params, 'output', top);
  g.addNode({ opType: 'Identity', name: 'logits', inputs: [logits], outputs: ['logits'], attributes: [] });
  g.addNode({
    opType: 'LogSoftmax',
    name: 'log_probs',
    inputs: [logits],
    outputs: ['log_probs'],
    attributes: [attr.int('axis', -1)],
  });
  g.addNode({ opType: 'Identity', name: 'h_out', inputs: [hNew], outputs: ['h_out'], attributes: [] });
  g.addOutput({ name: 'logits', elemType: DataType.FLOAT, dims: ['N', c.vocabSize] });
  g.addOutput({ name: 'log_probs', elemType: DataType.FLOAT, dims: ['N', c.vocabSize] });
  g.addOutput({ name: 'h_out', elemType: DataType.FLOAT, dims: ['N', Hd] });
  if (out.c) {
    const cNew = g.add('Reshape', [out.c, flat], 'c_new');
    g.addNode({ opType: 'Identity', name: 'c_out', inputs: [cNew], outputs: ['c_out'], attributes: [] });
    g.addOutput({ name: 'c_out', elemType: DataType.FLOAT, dims: ['N', Hd] });
  }
  return encode(g, `Framewise captioner "${name}" decoder, one step: token, state, context → next-token scores.`);
}

/**
 * Luong 'general' attention of the new decoder state hNew [N, Hd] over the graph inputs memory
 * [N, T, He] and memory_mask [N, T], as attend() in models/attention.ts; returns h̃ [N, Hd].
 */
function addAttentionNodes(g: GraphBuilder, cap: TrainedCaptioner, hNew: string): string {
  const c = cap.model.config;
  const memory = g.addInput({ name: 'memory', elemType: DataType.FLOAT, dims: ['N', 'T', c.encoderHidden] });
  const mask = g.addInput({ name: 'memory_mask', elemType: DataType.FLOAT, dims: ['N', 'T'] });
  const { params } = cap.model;
  const kernel = g.addFloats('attention_kernel', [c.decoderHidden, c.encoderHidden], params.get('attention/kernel'));
  const axis1 = shapeOf(g, 'axis_1', [1]);
  // scores[n, j] = (h·W_a)[n] · memory[n, j]: [N, 1, He] × [N, He, T] → [N, 1, T] → [N, T].
  const q = g.add('Unsqueeze', [g.add('MatMul', [hNew, kernel], 'attention_query'), axis1], 'attention_query_row');
  const memT = g.add('Transpose', [memory], 'memory_by_feature', [attr.ints('perm', [0, 2, 1])]);
  const scores = g.add('Squeeze', [g.add('MatMul', [q, memT], 'attention_scores_row'), axis1], 'attention_scores');
  // Padding steps get −1e30 before the softmax: exp underflows to exactly 0, as Framewise skips them.
  const valid = g.add('Greater', [mask, g.scalar(0)], 'memory_valid');
  const masked = g.add('Where', [valid, scores, g.scalar(-1e30)], 'attention_scores_masked');
  const alpha = g.add('Softmax', [masked], 'attention_weights', [attr.int('axis', -1)]);
  // context[n] = Σ_j α[n, j] memory[n, j]: [N, 1, T] × [N, T, He] → [N, He].
  const alphaRow = g.add('Unsqueeze', [alpha, axis1], 'attention_weights_row');
  const ctx = g.add(
    'Squeeze',
    [g.add('MatMul', [alphaRow, memory], 'attention_context_row'), axis1],
    'attention_context',
  );
  const u = g.add('Concat', [hNew, ctx], 'attention_combined', [attr.int('axis', 1)]);
  return g.add('Tanh', [addDenseNodes(g, params, 'attention/combine', u)], 'attention_out');
}

function encode(g: GraphBuilder, docString: string): Uint8Array {
  return encodeModel({
    graph: g.build(),
    opset: HEAD_ONNX_OPSET,
    producerName: 'framewise',
    producerVersion: VERSION,
    docString,
    metadata: {},
  });
}

/** The JSON written next to the two .onnx files. */
export function captionerSidecar(cap: TrainedCaptioner, name: string): Record<string, unknown> {
  const c = cap.model.config;
  const att = hasAttention(cap);
  const [backboneId = '', ...streams] = cap.meta.backboneId.split('+');
  return {
    format: CAPTIONER_SIDECAR_FORMAT,
    version: 1,
    name,
    cell: c.cell,
    summary: c.summary ?? 'none',
    input: c.input ?? 'absolute',
    attention: att ? 'general' : 'none',
    fps: cap.meta.fps,
    steps: cap.meta.steps,
    backboneId,
    streams,
    featureSetId: cap.meta.backboneId,
    featureDim: cap.meta.featureDim,
    encoder: {
      file: `${name}-encoder.onnx`,
      inputs: { features: ['N', 'T', c.inputDim] },
      outputs: { context: ['N', c.encoderHidden], ...(att ? { memory: ['N', 'T', c.encoderHidden] } : {}) },
      frames: `the segment's feature frames; more than ${cap.meta.steps}: ${cap.meta.steps} spread evenly (centre of equal bins)`,
      normalized: 'inside the graph',
    },
    decoder: {
      file: `${name}-decoder.onnx`,
      inputs: {
        token: ['N'],
        h: ['N', c.decoderHidden],
        ...(c.cell === 'lstm' ? { c: ['N', c.decoderHidden] } : {}),
        context: ['N', c.encoderHidden],
        ...(att ? { memory: ['N', 'T', c.encoderHidden], memory_mask: ['N', 'T'] } : {}),
      },
      outputs: {
        logits: ['N', c.vocabSize],
        log_probs: ['N', c.vocabSize],
        h_out: ['N', c.decoderHidden],
        ...(c.cell === 'lstm' ? { c_out: ['N', c.decoderHidden] } : {}),
      },
      greedy: 'token = bos, h = c = 0; repeat: run, token = argmax(log_probs), h = h_out, c = c_out; stop at eos',
      ...(att
        ? {
            attention:
              "memory: the encoder's memory output, the same at every step; memory_mask: 1 for a real frame, 0 for padding (all ones for one unpadded segment; segments of different lengths in one batch: encode each alone, zero-pad the memories to one T and mask the padding; every row needs at least one 1)",
          }
        : {}),
    },
    specialTokens: { pad: PAD_ID, bos: BOS_ID, eos: EOS_ID, unk: UNK_ID },
    vocabulary: [...cap.vocab.tokens],
    opset: HEAD_ONNX_OPSET,
    producer: `framewise ${VERSION}`,
  };
}
