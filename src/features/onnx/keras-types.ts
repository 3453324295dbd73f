/** The parts of a Keras / tfjs-layers model.json that the converter and the tfjs engine read. */

/** `[layerName, nodeIndex, tensorIndex, kwargs]` as written by Keras 2.x. */
export type KerasInboundRef = [string, number, number, Record<string, unknown>?];

export interface KerasLayerJson {
  class_name: string;
  /** Functional models put the name here; Sequential ones only in `config.name`. */
  name?: string;
  config: Record<string, unknown>;
  inbound_nodes?: KerasInboundRef[][];
}

export interface KerasModelConfig {
  class_name: string;
  config:
    | {
        name?: string;
        layers: KerasLayerJson[];
        input_layers?: [string, number, number][];
        output_layers?: [string, number, number][];
      }
    | KerasLayerJson[];
}

export interface KerasModelTopology {
  keras_version?: string;
  backend?: string;
  model_config: KerasModelConfig;
  training_config?: unknown;
}

/** tfjs weights manifest entry (tfjs-core `WeightsManifestEntry`, restated to avoid importing tfjs). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number };
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** A dequantized weight tensor. */
export interface NamedWeight {
  shape: number[];
  values: Float32Array;
}
