/**
 * Makes a backbone's ONNX file exist in the cache:
 *  - npm sources are converted from the tfjs weights on first use (about a second for MobileNetV2);
 *  - url sources are downloaded and verified.
 * Every file is re-verified by sha256 on use, so a truncated or corrupted cache entry is rebuilt or
 * re-downloaded instead of crashing inference.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FramewiseError } from '../../errors.js';
import { downloadFile } from '../download.js';
import type { DownloadProgress } from '../download.js';
import { CONVERTER_VERSION, convertKerasToOnnx } from '../onnx/keras-to-onnx.js';
import type { KerasToOnnxResult } from '../onnx/keras-to-onnx.js';
import { QUANTIZER_VERSION, quantizeGraphQdq } from '../onnx/quantize-qdq.js';
import { defaultCacheRoot, modelCacheDir, sha256File, writeFileAtomic } from './cache.js';
import type { BackboneManifest } from './registry.js';
import { dequantizeWeights, loadNpmTfjsModel, packageVersion, resolvePackageRoot } from './tfjs-source.js';

export interface MaterialiseOptions {
  /** Cache root (models go to `<cacheRoot>/models`). Default: see `defaultCacheRoot()`. */
  cacheRoot?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Rebuild / re-download even if a valid file is cached. */
  force?: boolean;
  /** Test hook: replaces global fetch for url sources. */
  fetch?: typeof fetch;
}

export interface MaterialisedModel {
  path: string;
  sha256: string;
  bytes: number;
  /** What this call had to do. */
  origin: 'cache' | 'built' | 'downloaded';
  ms: number;
}

/** Sidecar next to a converted model; any field differing from the current spec triggers a rebuild. */
interface BuildRecord {
  sha256: string;
  bytes: number;
  converterVersion: number;
  packageName: string;
  packageVersion: string;
  modelDir: string;
  featureLayer: string | null;
  normalisation: { scale: number[]; offset: number[] };
  /** sha256 of the manifest's quantization block; null for a float model. Older records lack it. */
  quantization?: string | null;
  builtAt: string;
}

function quantizationKey(spec: BackboneManifest): string | null {
  return spec.quantization
    ? createHash('sha256')
        .update(JSON.stringify({ quantizer: QUANTIZER_VERSION, ...spec.quantization }))
        .digest('hex')
    : null;
}

export interface NpmBuild extends KerasToOnnxResult {
  packageVersion: string;
  convertMs: number;
}

/** Converts an npm-shipped tfjs backbone to ONNX bytes (no caching). */
export async function buildOnnxFromNpm(spec: BackboneManifest): Promise<NpmBuild> {
  if (spec.source.kind !== 'npm') throw new FramewiseError('BAD_ARGUMENT', `Backbone ${spec.id} is not npm-shipped.`);
  const start = performance.now();
  const files = await loadNpmTfjsModel(spec.source);
  const weights = dequantizeWeights(files.weightSpecs, files.weightData);
  const result = convertKerasToOnnx(files.topology, weights, {
    featureLayer: spec.featureLayer,
    normalisation: spec.normalisation,
    graphName: spec.id,
    transformGraph: spec.quantization
      ? (graph) => {
          try {
            const { activationRanges, floatLayers } = spec.quantization!;
            return quantizeGraphQdq(graph, activationRanges, { floatLayers });
          } catch (e) {
            throw new FramewiseError(
              'MODEL_MISMATCH',
              `Backbone ${spec.id}: the quantization ranges in ${spec.manifestPath} do not fit the converted graph (${(e as Error).message}). Re-run scripts/calibrate-backbone.ts.`,
            );
          }
        }
      : undefined,
    metadata: {
      backbone: spec.id,
      source: `${files.packageName}@${files.packageVersion}/${spec.source.modelDir}`,
      license: spec.license,
    },
  });
  if (
    result.featureDim !== spec.featureDim ||
    result.inputWidth !== spec.inputWidth ||
    result.inputHeight !== spec.inputHeight
  ) {
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `Backbone ${spec.id}: the converted model gives ${result.featureDim}-d features from ` +
        `${result.inputWidth}x${result.inputHeight} input, but the manifest ${spec.manifestPath} says ` +
        `${spec.featureDim}-d from ${spec.inputWidth}x${spec.inputHeight}.`,
    );
  }
  return { ...result, packageVersion: files.packageVersion, convertMs: performance.now() - start };
}

/** File name of a backbone in the cache. URL models carry the hash prefix so a new release never reuses an old file. */
export function cachedModelPath(spec: BackboneManifest, cacheRoot: string = defaultCacheRoot()): string {
  const dir = modelCacheDir(cacheRoot);
  return spec.source.kind === 'url'
    ? path.join(dir, `${spec.id}-${spec.source.sha256.slice(0, 12)}.onnx`)
    : path.join(dir, `${spec.id}.onnx`);
}

// Two engines created at once for the same backbone must not both convert/download it.
const inFlight = new Map<string, Promise<MaterialisedModel>>();

export async function ensureOnnxModel(
  spec: BackboneManifest,
  options: MaterialiseOptions = {},
): Promise<MaterialisedModel> {
  const file = cachedModelPath(spec, options.cacheRoot ?? defaultCacheRoot());
  const pending = inFlight.get(file);
  if (pending) return pending;
  const job = (
    spec.source.kind === 'url' ? ensureDownloaded(spec, file, options) : ensureBuilt(spec, file, options)
  ).finally(() => inFlight.delete(file));
  inFlight.set(file, job);
  return job;
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function ensureDownloaded(
  spec: BackboneManifest,
  file: string,
  options: MaterialiseOptions,
): Promise<MaterialisedModel> {
  if (spec.source.kind !== 'url') throw new Error('unreachable');
  const { url, bytes } = spec.source;
  const sha256 = spec.source.sha256.toLowerCase();
  const start = performance.now();
  if (!options.force && (await fileSize(file)) === bytes && (await sha256File(file)) === sha256) {
    return { path: file, sha256, bytes, origin: 'cache', ms: performance.now() - start };
  }
  // A stale or corrupt file: the verified download replaces it by rename anyway.
  await rm(file, { force: true }).catch(() => undefined);
  await downloadFile({
    url,
    dest: file,
    sha256,
    bytes,
    signal: options.signal,
    onProgress: options.onProgress,
    fetch: options.fetch,
  });
  return { path: file, sha256, bytes, origin: 'downloaded', ms: performance.now() - start };
}

async function readRecord(file: string): Promise<BuildRecord | undefined> {
  try {
    return JSON.parse(await readFile(`${file}.json`, 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
}

async function ensureBuilt(
  spec: BackboneManifest,
  file: string,
  options: MaterialiseOptions,
): Promise<MaterialisedModel> {
  if (spec.source.kind !== 'npm') throw new Error('unreachable');
  const start = performance.now();
  const record = await readRecord(file);
  if (!options.force && record && recordMatches(record, spec)) {
    const size = await fileSize(file);
    if (size === record.bytes && (await sha256File(file)) === record.sha256) {
      return { path: file, sha256: record.sha256, bytes: record.bytes, origin: 'cache', ms: performance.now() - start };
    }
  }
  if (options.signal?.aborted) throw new FramewiseError('ABORTED', `Preparing backbone ${spec.id} was cancelled.`);
  const built = await buildOnnxFromNpm(spec);
  const sha256 = createHash('sha256').update(built.onnx).digest('hex');
  // Model first, sidecar second: a crash in between leaves no sidecar, which means "rebuild".
  await writeCached(file, built.onnx);
  const next: BuildRecord = {
    sha256,
    bytes: built.onnx.length,
    converterVersion: CONVERTER_VERSION,
    packageName: spec.source.packageName,
    packageVersion: built.packageVersion,
    modelDir: spec.source.modelDir,
    featureLayer: spec.featureLayer ?? null,
    normalisation: spec.normalisation,
    quantization: quantizationKey(spec),
    builtAt: new Date().toISOString(),
  };
  await writeCached(`${file}.json`, `${JSON.stringify(next, null, 2)}\n`);
  return { path: file, sha256, bytes: built.onnx.length, origin: 'built', ms: performance.now() - start };
}

async function writeCached(file: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeFileAtomic(file, data);
  } catch (cause) {
    throw cacheWriteError(file, cause);
  }
}

export function cacheWriteError(file: string, cause: unknown): FramewiseError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FramewiseError(
    'BACKBONE_UNAVAILABLE',
    `Cannot write the model cache file ${file} (${reason}). Set FRAMEWISE_CACHE_DIR to a writable folder.`,
    { cause },
  );
}

function recordMatches(record: BuildRecord, spec: BackboneManifest): boolean {
  if (spec.source.kind !== 'npm') return false;
  let installedVersion: string | undefined;
  try {
    installedVersion = packageVersionOf(spec.source.packageName);
  } catch {
    return false;
  }
  return (
    record.converterVersion === CONVERTER_VERSION &&
    record.packageName === spec.source.packageName &&
    record.packageVersion === installedVersion &&
    record.modelDir === spec.source.modelDir &&
    record.featureLayer === (spec.featureLayer ?? null) &&
    JSON.stringify(record.normalisation) === JSON.stringify(spec.normalisation) &&
    (record.quantization ?? null) === quantizationKey(spec)
  );
}

function packageVersionOf(name: string): string {
  return packageVersion(resolvePackageRoot(name));
}
