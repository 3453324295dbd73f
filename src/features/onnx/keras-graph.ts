/**
 * The Keras layer graph as the ONNX converter reads it: functional and sequential configs flattened
 * into one list of layers with named inputs, the part the feature layer needs, in topological order,
 * and the small readers of Keras settings (kernel pairs, TensorFlow's 'same' padding).
 */
import { FramewiseError } from '../../errors.js';
import type { KerasLayerJson, KerasModelTopology } from './keras-types.js';

export interface Layer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  inputs: string[];
}

export const IDENTITY_LAYERS = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]);
export const CONV_LAYERS = new Set(['Conv2D', 'DepthwiseConv2D']);

export function unsupported(message: string, details?: Record<string, unknown>): FramewiseError {
  return new FramewiseError('BACKBONE_UNAVAILABLE', `Cannot convert the backbone to ONNX: ${message}`, { details });
}

/** Flattens functional and sequential configs into one list of layers with named inputs. */
export function normaliseLayers(topology: KerasModelTopology): Layer[] {
  const modelConfig = topology?.model_config;
  if (!modelConfig || typeof modelConfig !== 'object') throw unsupported('the topology has no model_config');
  const cls = modelConfig.class_name;
  const cfg = modelConfig.config;
  if (cls === 'Sequential') {
    const list = Array.isArray(cfg) ? cfg : cfg.layers;
    const out: Layer[] = [];
    let previous: string | undefined;
    list.forEach((l, i) => {
      const name = l.name ?? (l.config.name as string | undefined) ?? `layer_${i}`;
      if (previous === undefined && l.class_name !== 'InputLayer') {
        const batchInputShape = l.config.batch_input_shape;
        out.push({
          className: 'InputLayer',
          name: 'input',
          config: { batch_input_shape: batchInputShape },
          inputs: [],
        });
        previous = 'input';
      }
      out.push({ className: l.class_name, name, config: l.config, inputs: previous === undefined ? [] : [previous] });
      previous = name;
    });
    return out;
  }
  if (cls !== 'Model' && cls !== 'Functional') throw unsupported(`model class "${cls}" is not supported`);
  if (Array.isArray(cfg)) throw unsupported('functional model config has no layer list');
  return cfg.layers.map((l: KerasLayerJson) => {
    const name = l.name ?? (l.config.name as string);
    const nodes = l.inbound_nodes ?? [];
    if (nodes.length > 1) throw unsupported(`layer "${name}" is shared (called ${nodes.length} times)`);
    const refs = nodes[0] ?? [];
    const inputs = refs.map((ref) => {
      if (!Array.isArray(ref) || typeof ref[0] !== 'string') {
        throw unsupported(`layer "${name}" uses an inbound-node format this converter does not read (Keras 3?)`);
      }
      if (ref[2] !== 0) throw unsupported(`layer "${name}" reads output #${ref[2]} of "${ref[0]}"`);
      return ref[0];
    });
    return { className: l.class_name, name, config: l.config, inputs };
  });
}

export function defaultFeatureLayer(layers: Layer[]): string {
  const dense = layers.find((l) => l.className === 'Dense');
  if (dense && dense.inputs.length === 1) return dense.inputs[0] as string;
  const last = layers[layers.length - 1];
  if (!last) throw unsupported('the model has no layers');
  return last.name;
}

export function ancestors(start: string, byName: Map<string, Layer>): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    const layer = byName.get(name);
    if (!layer) throw unsupported(`layer "${name}" is referenced but not defined`);
    seen.add(name);
    stack.push(...layer.inputs);
  }
  return seen;
}

/** Kahn's algorithm, stable with respect to the config order (which Keras already writes topologically). */
export function topoSort(layers: Layer[]): Layer[] {
  const names = new Set(layers.map((l) => l.name));
  const remaining = new Map(layers.map((l) => [l.name, l.inputs.filter((i) => names.has(i)).length]));
  const done = new Set<string>();
  const out: Layer[] = [];
  while (out.length < layers.length) {
    const next = layers.find((l) => !done.has(l.name) && remaining.get(l.name) === 0);
    if (!next) throw unsupported('the layer graph has a cycle');
    done.add(next.name);
    out.push(next);
    for (const l of layers) {
      if (!done.has(l.name)) {
        const count = l.inputs.filter((i) => i === next.name).length;
        if (count > 0) remaining.set(l.name, (remaining.get(l.name) as number) - count);
      }
    }
  }
  return out;
}

export function isChannelsLastAxis(axis: unknown): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === undefined || a === -1 || a === 3;
}

export function pair(v: unknown, what: string, layer: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return v as [number, number];
  throw unsupported(`layer "${layer}" has an unreadable ${what}: ${JSON.stringify(v)}`);
}

/** Keras padding for one spatial axis: returns [before, after, outputSize]. */
export function axisPadding(size: number, kernel: number, stride: number, dilation: number, mode: string): number[] {
  const effective = (kernel - 1) * dilation + 1;
  if (mode === 'valid') return [0, 0, Math.floor((size - effective) / stride) + 1];
  // TensorFlow 'same': output = ceil(size / stride); the odd pixel of padding goes after (bottom/right).
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before, out];
}
