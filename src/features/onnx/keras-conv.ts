/** Convolutions, batch normalisation (folded into the convolution before it) and zero padding (kept pending). */
import type { Converter, Pads, Value } from './keras-converter.js';
import { axisPadding, isChannelsLastAxis, pair, unsupported, type Layer } from './keras-graph.js';
import { attr } from './onnx-model.js';

export function zeroPadding(cv: Converter, layer: Layer, input: Value): Value {
  const p = layer.config.padding;
  let pads: Pads;
  if (typeof p === 'number') pads = [p, p, p, p];
  else if (Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')) {
    // (symmetric height pad, symmetric width pad)
    const [ph, pw] = p as [number, number];
    pads = [ph, pw, ph, pw];
  } else if (Array.isArray(p) && p.length === 2 && p.every((x) => Array.isArray(x) && x.length === 2)) {
    const [[top, bottom], [left, right]] = p as [[number, number], [number, number]];
    pads = [top, left, bottom, right];
  } else {
    throw unsupported(`layer "${layer.name}" has an unreadable padding: ${JSON.stringify(p)}`);
  }
  if (input.shape.length !== 3) throw unsupported(`layer "${layer.name}" needs a 4-D input`);
  const [h, w, c] = input.shape as [number, number, number];
  const prev = input.pending ?? [0, 0, 0, 0];
  return {
    name: input.name,
    shape: [h + pads[0] + pads[2], w + pads[1] + pads[3], c],
    pending: [prev[0] + pads[0], prev[1] + pads[1], prev[2] + pads[2], prev[3] + pads[3]],
    // Zero padding commutes with a per-channel scale (0 * s = 0), so the scale stays pending.
    scale: input.scale,
  };
}

export function conv(cv: Converter, layer: Layer, input: Value, bn: Layer | undefined): Value {
  const cfg = layer.config;
  const depthwise = layer.className === 'DepthwiseConv2D';
  if (input.shape.length !== 3) throw unsupported(`layer "${layer.name}" needs a 4-D input`);
  const [h, w, cin] = input.shape as [number, number, number];
  const [kh, kw] = pair(cfg.kernel_size, 'kernel_size', layer.name);
  const [sh, sw] = pair(cfg.strides ?? 1, 'strides', layer.name);
  const [dh, dw] = pair(cfg.dilation_rate ?? 1, 'dilation_rate', layer.name);
  const mode = String(cfg.padding ?? 'valid');
  if (mode !== 'same' && mode !== 'valid') throw unsupported(`layer "${layer.name}" uses padding "${mode}"`);
  if ((cfg.groups ?? 1) !== 1) throw unsupported(`layer "${layer.name}" uses grouped convolution`);

  let weightsOnnx: Float32Array;
  let cout: number;
  let dims: number[];
  if (depthwise) {
    const mult = Number(cfg.depth_multiplier ?? 1);
    const k = cv.weight(layer.name, 'depthwise_kernel', [kh, kw, cin, mult]);
    cout = cin * mult;
    // Keras [kh,kw,C,mult] -> ONNX grouped conv [C*mult, 1, kh, kw]; output channel = c*mult + m, as in TF.
    weightsOnnx = new Float32Array(cout * kh * kw);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let c = 0; c < cin; c++)
          for (let m = 0; m < mult; m++) {
            weightsOnnx[((c * mult + m) * kh + y) * kw + x] = k.values[((y * kw + x) * cin + c) * mult + m] as number;
          }
    dims = [cout, 1, kh, kw];
  } else {
    cout = Number(cfg.filters);
    const k = cv.weight(layer.name, 'kernel', [kh, kw, cin, cout]);
    // Keras [kh,kw,Cin,Cout] -> ONNX [Cout,Cin,kh,kw].
    weightsOnnx = new Float32Array(cout * cin * kh * kw);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout; o++) {
            weightsOnnx[((o * cin + i) * kh + y) * kw + x] = k.values[((y * kw + x) * cin + i) * cout + o] as number;
          }
    dims = [cout, cin, kh, kw];
  }

  if (input.scale) {
    // conv(s * x) = conv'(x) with W'[o, i] = W[o, i] * s[i] (depthwise: input channel = o / mult).
    const s = input.scale;
    const perOut = weightsOnnx.length / cout;
    const inPerOut = depthwise ? 1 : cin;
    const spatial = perOut / inPerOut;
    const mult = cout / cin;
    for (let o = 0; o < cout; o++) {
      for (let i = 0; i < inPerOut; i++) {
        const factor = s[depthwise ? Math.floor(o / mult) : i] as number;
        const base = (o * inPerOut + i) * spatial;
        for (let j = base; j < base + spatial; j++) weightsOnnx[j] = (weightsOnnx[j] as number) * factor;
      }
    }
  }

  let bias: Float32Array | undefined =
    cfg.use_bias === false ? undefined : cv.weight(layer.name, 'bias', [cout]).values;
  if (bn) {
    const folded = foldBatchNorm(cv, bn, cout, weightsOnnx, bias);
    bias = folded;
  }

  const [padTop, padBottom, oh] = axisPadding(h, kh, sh, dh, mode) as [number, number, number];
  const [padLeft, padRight, ow] = axisPadding(w, kw, sw, dw, mode) as [number, number, number];
  const pending = input.pending ?? [0, 0, 0, 0];
  if (oh < 1 || ow < 1) throw unsupported(`layer "${layer.name}" gets an input smaller than its kernel`);

  const inputsOnnx = [input.name, cv.floats(`${layer.name}_W`, dims, weightsOnnx)];
  if (bias) inputsOnnx.push(cv.floats(`${layer.name}_B`, [cout], bias));
  const out = cv.graph.add('Conv', inputsOnnx, bn ? bn.name : layer.name, [
    attr.ints('kernel_shape', [kh, kw]),
    attr.ints('strides', [sh, sw]),
    attr.ints('dilations', [dh, dw]),
    attr.ints('pads', [pending[0] + padTop, pending[1] + padLeft, pending[2] + padBottom, pending[3] + padRight]),
    attr.int('group', depthwise ? cin : 1),
  ]);
  return { name: out, shape: [oh, ow, cout] };
}

/** Scales the conv weights in place and returns the new bias: y = gamma * (conv + b - mean) / sqrt(var + eps) + beta. */
export function foldBatchNorm(
  cv: Converter,
  bn: Layer,
  channels: number,
  w: Float32Array,
  bias: Float32Array | undefined,
): Float32Array {
  const { gamma, beta, mean, variance, epsilon } = bnParams(cv, bn, channels);
  const perChannel = w.length / channels;
  const out = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    const k = (gamma[o] as number) / Math.sqrt((variance[o] as number) + epsilon);
    for (let j = o * perChannel; j < (o + 1) * perChannel; j++) w[j] = (w[j] as number) * k;
    out[o] = ((bias?.[o] ?? 0) - (mean[o] as number)) * k + (beta[o] as number);
  }
  return out;
}

export function bnParams(
  cv: Converter,
  bn: Layer,
  channels: number,
): { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array; epsilon: number } {
  const cfg = bn.config;
  const shape = [channels];
  return {
    gamma: cfg.scale === false ? new Float32Array(channels).fill(1) : cv.weight(bn.name, 'gamma', shape).values,
    beta: cfg.center === false ? new Float32Array(channels) : cv.weight(bn.name, 'beta', shape).values,
    mean: cv.weight(bn.name, 'moving_mean', shape).values,
    variance: cv.weight(bn.name, 'moving_variance', shape).values,
    epsilon: Number(cfg.epsilon ?? 1e-3),
  };
}

export function batchNorm(cv: Converter, layer: Layer, raw: Value): Value {
  const input = cv.materialise(raw);
  const rank4 = input.shape.length === 3;
  const axis = layer.config.axis;
  if (!isChannelsLastAxis(axis) && !(!rank4 && (axis === 1 || (Array.isArray(axis) && axis[0] === 1)))) {
    throw unsupported(`layer "${layer.name}" normalises axis ${JSON.stringify(axis)}; only the channel axis`);
  }
  const channels = input.shape[input.shape.length - 1] as number;
  const p = bnParams(cv, layer, channels);
  const out = cv.graph.add(
    'BatchNormalization',
    [
      input.name,
      cv.floats(`${layer.name}_gamma`, [channels], p.gamma),
      cv.floats(`${layer.name}_beta`, [channels], p.beta),
      cv.floats(`${layer.name}_mean`, [channels], p.mean),
      cv.floats(`${layer.name}_var`, [channels], p.variance),
    ],
    layer.name,
    [attr.float('epsilon', p.epsilon)],
  );
  return { name: out, shape: input.shape };
}
