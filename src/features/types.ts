/** Where a backbone's weights come from. */
export type WeightSource =
  /** Weights shipped inside an installed npm package (works offline). */
  | { kind: 'npm'; packageName: string; modelDir: string }
  /** Weights downloaded on first use and verified by checksum. */
  | { kind: 'url'; url: string; sha256: string; bytes: number; format: 'onnx' };

export interface BackboneSpec {
  id: string;
  name: string;
  /** Network input in pixels (square for the shipped ones). */
  inputWidth: number;
  inputHeight: number;
  featureDim: number;
  /** Pixel normalisation applied inside the engine: x * scale + offset, per channel, on 0..255 input. */
  normalisation: { scale: number[]; offset: number[] };
  source: WeightSource;
  license: string;
  origin: string;
}

/** Turns batches of RGB frames (N x H x W x 3 bytes, at the backbone's input size) into feature vectors. */
export interface FeatureEngine {
  readonly backboneId: string;
  /**
   * Set when this engine's features differ from earlier caches under the same backbone id (an int8
   * build that was CPU-dependent before): part of the cache file name, so those are never reused.
   */
  readonly featureRevision?: string;
  /** Human-readable engine name shown to the user, e.g. "onnxruntime cpu (2 threads)". */
  readonly backend: string;
  /** Why the preferred execution provider (a GPU) was not used, when it was not. */
  readonly fallbackReason?: string | undefined;
  readonly featureDim: number;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Returns N x featureDim floats, row-major. */
  embed(frames: Uint8Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}
