/**
 * Picks the fastest engine that loads for a backbone: onnxruntime first (about 15x tfjs-wasm here),
 * then tfjs-wasm for npm-shipped backbones. tfjs' pure-JS 'cpu' backend is never used.
 */
import { FramewiseError, isFramewiseError } from '../../errors.js';
import type { FeatureEngine } from '../types.js';
import type { DownloadProgress } from '../download.js';
import { ensureOnnxModel } from '../backbones/materialise.js';
import type { MaterialisedModel } from '../backbones/materialise.js';
import { DEFAULT_BACKBONE_ID, getBackbone } from '../backbones/registry.js';
import type { BackboneManifest, RegistryOptions } from '../backbones/registry.js';
import { createOnnxEngine } from './onnx-engine.js';
import type { OnnxEngineOptions } from './onnx-engine.js';
import { createTfjsWasmEngine } from './tfjs-engine.js';

export type EngineKind = 'onnx' | 'tfjs-wasm';

export interface CreateEngineOptions extends RegistryOptions, OnnxEngineOptions {
  /** Engine to try first; the other is the fallback. Default 'onnx'. */
  prefer?: EngineKind;
  /** Only try `prefer` (for benchmarks and reference runs). */
  strict?: boolean;
  /** Cache root for ONNX files. Default: FRAMEWISE_CACHE_DIR / XDG cache / ~/.cache, + /framewise. */
  cacheRoot?: string;
  signal?: AbortSignal;
  /** Download progress of url backbones on first use. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Called when an engine fails to load and the next one is tried. */
  onFallback?: (failed: EngineKind, error: FramewiseError) => void;
  /** Test hook for downloads. */
  fetch?: typeof fetch;
}

/** Float32 originals of the shipped int8 backbones, named in errors. */
const FLOAT_ORIGINAL: Record<string, string> = {
  mobilenet_v2_nsfwjs_int8: 'mobilenet_v2_nsfwjs',
  mobilenet_v2_nsfwjs_int8_v2: 'mobilenet_v2_nsfwjs',
};

/** Error codes that mean "stop", not "try the next engine". */
const FATAL = new Set(['ABORTED', 'BAD_ARGUMENT']);

async function openOnnx(spec: BackboneManifest, options: CreateEngineOptions): Promise<FeatureEngine> {
  const model: MaterialisedModel = await ensureOnnxModel(spec, {
    cacheRoot: options.cacheRoot,
    signal: options.signal,
    onProgress: options.onProgress,
    fetch: options.fetch,
  });
  return createOnnxEngine(spec, model.path, options);
}

/**
 * Why not the GPU / onnxruntime: the engines that failed to load before this one (`failures`, from
 * onFallback), then the execution providers the engine itself skipped. Empty when the first choice ran.
 */
export function fallbackReasons(failures: readonly string[], engine: FeatureEngine): string[] {
  return [...failures, ...(engine.fallbackReason ? [engine.fallbackReason] : [])];
}

/** The text onFallback's arguments are reported with. */
export const fallbackText = (kind: EngineKind, error: FramewiseError): string => `${kind} failed: ${error.message}`;

export async function createFeatureEngine(
  backbone: string | BackboneManifest = DEFAULT_BACKBONE_ID,
  options: CreateEngineOptions = {},
): Promise<FeatureEngine> {
  const spec = typeof backbone === 'string' ? await getBackbone(backbone, options) : backbone;
  const prefer = options.prefer ?? 'onnx';
  const candidates: EngineKind[] = options.strict
    ? [prefer]
    : prefer === 'onnx'
      ? ['onnx', 'tfjs-wasm']
      : ['tfjs-wasm', 'onnx'];
  // tfjs can only run tfjs-layers weights, and only in float32: an int8 backbone there would give
  // float features under the int8 id, and caches and models would mix the two.
  const usable = candidates.filter((k) => k === 'onnx' || (spec.source.kind === 'npm' && !spec.quantization));
  if (usable.length === 0) {
    const why = spec.quantization
      ? `it is int8 and needs onnxruntime; its float32 original (${FLOAT_ORIGINAL[spec.id] ?? 'the same network without quantization'}) runs on tfjs-wasm`
      : 'it ships ONNX only';
    throw new FramewiseError('BACKBONE_UNAVAILABLE', `Backbone ${spec.id} cannot run on ${prefer}: ${why}.`);
  }
  const errors: FramewiseError[] = [];
  for (const kind of usable) {
    if (options.signal?.aborted) throw new FramewiseError('ABORTED', `Loading backbone ${spec.id} was cancelled.`);
    try {
      return kind === 'onnx' ? await openOnnx(spec, options) : await createTfjsWasmEngine(spec);
    } catch (e) {
      const err = isFramewiseError(e)
        ? e
        : new FramewiseError('BACKBONE_UNAVAILABLE', `${kind}: ${e instanceof Error ? e.message : String(e)}`, {
            cause: e,
          });
      if (FATAL.has(err.code)) throw err;
      errors.push(err);
      if (kind !== usable[usable.length - 1]) options.onFallback?.(kind, err);
    }
  }
  // One candidate: its own error (DOWNLOAD_FAILED, CHECKSUM_MISMATCH...) is the most useful one.
  if (errors.length === 1) throw errors[0] as FramewiseError;
  throw new FramewiseError(
    'BACKBONE_UNAVAILABLE',
    `No inference engine could load backbone ${spec.id}: ${errors.map((e, i) => `${usable[i]}: ${e.message}`).join(' | ')}`,
    { cause: errors[0], details: { errors: errors.map((e) => e.toJSON()) } },
  );
}
