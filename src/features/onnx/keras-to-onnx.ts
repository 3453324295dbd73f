/**
 * Converts a Keras 2.x functional/sequential CNN (as exported to tfjs-layers) into an ONNX feature
 * extractor:
 *
 *   frames uint8 [N,H,W,3] (NHWC, exactly what ffmpeg's rgb24 gives us)
 *     -> Cast -> Mul(scale) [-> Add(offset)] -> Transpose to NCHW
 *     -> the Keras layers up to `featureLayer` (head dropped)
 *     -> features float32 [N,D]
 *
 * Doing the normalisation inside the graph means no per-pixel JavaScript at inference time.
 * Inference-time simplifications: BatchNormalization following a linear conv is folded into the conv's
 * weights and bias, ZeroPadding2D is folded into the next conv's pads, Dropout is dropped.
 */
import type { KerasModelTopology, NamedWeight } from './keras-types.js';
import { DataType, encodeModel } from './onnx-model.js';
import type { GraphInit } from './onnx-model.js';

export interface KerasToOnnxOptions {
  /** Layer whose output becomes `features`. Default: the input of the first Dense layer (the pooled features). */
  featureLayer?: string;
  /** Applied to 0..255 input inside the graph: x * scale[c] + offset[c]. */
  normalisation: { scale: readonly number[]; offset: readonly number[] };
  inputName?: string;
  outputName?: string;
  graphName?: string;
  producerVersion?: string;
  metadata?: Record<string, string>;
  /** Rewrites the finished graph before encoding (quantization, say). */
  transformGraph?: (graph: GraphInit) => GraphInit;
}

export interface KerasToOnnxResult {
  onnx: Uint8Array;
  inputHeight: number;
  inputWidth: number;
  featureDim: number;
  featureLayer: string;
  nodeCount: number;
  parameterCount: number;
}

/** Bumped whenever the emitted graph changes, so cached conversions get rebuilt. */
export const CONVERTER_VERSION = 2;
import { Converter, type Value } from './keras-converter.js';
import {
  ancestors,
  CONV_LAYERS,
  defaultFeatureLayer,
  isChannelsLastAxis,
  normaliseLayers,
  topoSort,
  unsupported,
  type Layer,
} from './keras-graph.js';

export function convertKerasToOnnx(
  topology: KerasModelTopology,
  weights: ReadonlyMap<string, NamedWeight>,
  options: KerasToOnnxOptions,
): KerasToOnnxResult {
  const layers = normaliseLayers(topology);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const featureLayer = options.featureLayer ?? defaultFeatureLayer(layers);
  if (!byName.has(featureLayer)) throw unsupported(`the model has no layer named "${featureLayer}"`);

  const needed = ancestors(featureLayer, byName);
  const order = topoSort(layers.filter((l) => needed.has(l.name)));
  const inputLayers = order.filter((l) => l.className === 'InputLayer');
  if (inputLayers.length !== 1) {
    throw unsupported(
      `the feature layer depends on ${inputLayers.length} inputs; exactly one image input is supported`,
    );
  }
  const consumers = new Map<string, number>();
  for (const l of order) for (const i of l.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  consumers.set(featureLayer, (consumers.get(featureLayer) ?? 0) + 1);

  const ctx = new Converter(weights, options.graphName ?? 'framewise_backbone');
  let inputShape: [number, number] | undefined;
  const values = new Map<string, Value>();
  const fusedBn = new Map<string, Layer>(); // conv name -> the BN folded into it
  const skipped = new Set<string>();

  for (const layer of order) {
    if (layer.className !== 'BatchNormalization' || layer.inputs.length !== 1) continue;
    const producer = byName.get(layer.inputs[0] as string);
    if (
      producer &&
      CONV_LAYERS.has(producer.className) &&
      (producer.config.activation ?? 'linear') === 'linear' &&
      consumers.get(producer.name) === 1 &&
      isChannelsLastAxis(layer.config.axis)
    ) {
      fusedBn.set(producer.name, layer);
      skipped.add(layer.name);
    }
  }

  for (const layer of order) {
    if (skipped.has(layer.name)) continue;
    const inputs = layer.inputs.map((i) => {
      const v = values.get(i);
      if (!v) throw unsupported(`layer "${layer.name}" reads "${i}", which was not converted`);
      return v;
    });
    let out: Value;
    if (layer.className === 'InputLayer') {
      const result = ctx.input(layer, options);
      inputShape = [result.shape[0] as number, result.shape[1] as number];
      out = result;
    } else {
      out = ctx.layer(layer, inputs, fusedBn.get(layer.name));
    }
    values.set(layer.name, out);
    const bn = fusedBn.get(layer.name);
    if (bn) values.set(bn.name, out);
  }

  const feature = values.get(featureLayer);
  if (!feature || !inputShape) throw unsupported(`layer "${featureLayer}" is not reachable from the model input`);
  if (feature.shape.length !== 1) {
    throw unsupported(
      `feature layer "${featureLayer}" outputs shape [${feature.shape.join(', ')}]; expected a flat vector ` +
        '(pick a Flatten or global pooling layer)',
    );
  }
  const outputName = options.outputName ?? 'features';
  ctx.graph.addNode({ opType: 'Identity', inputs: [ctx.materialise(feature).name], outputs: [outputName] });
  const featureDim = feature.shape[0] as number;
  ctx.graph.addOutput({ name: outputName, elemType: DataType.FLOAT, dims: ['N', featureDim] });

  const built = ctx.graph.build();
  const graph = options.transformGraph ? options.transformGraph(built) : built;
  const onnx = encodeModel({
    graph,
    producerName: 'framewise',
    producerVersion: options.producerVersion ?? `keras-to-onnx ${CONVERTER_VERSION}`,
    metadata: options.metadata,
  });
  return {
    onnx,
    inputHeight: inputShape[0],
    inputWidth: inputShape[1],
    featureDim,
    featureLayer,
    nodeCount: graph.nodes.length,
    parameterCount: ctx.parameterCount,
  };
}
