/**
 * Backbone registry. Each backbone is a JSON manifest: the shipped ones live in the repository's
 * `models/` folder (one source of truth, also read by the docs), and users can add their own
 * (typically `source.kind: "url"` ONNX files) from extra folders:
 * `options.manifestDirs` or the FRAMEWISE_BACKBONE_DIRS environment variable (path-delimiter separated).
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FramewiseError } from '../../errors.js';
import type { BackboneSpec, WeightSource } from '../types.js';
import { DEFAULT_BACKBONE_ID } from './default-id.js';

export { DEFAULT_BACKBONE_ID };

/** How a downloaded ONNX model expects its input. Our converted models use 'nhwc-uint8'. */
export type OnnxInputLayout = 'nhwc-uint8' | 'nchw-float32';

export interface OnnxIoSpec {
  /** Input / output names; default: the model's only input / output. */
  input?: string;
  output?: string;
  /** 'nchw-float32' models get the spec's normalisation applied in JS before inference. */
  layout: OnnxInputLayout;
}

export interface BackboneManifest extends BackboneSpec {
  /** tfjs-layers sources: the layer whose output is the feature vector (everything after it is dropped). */
  featureLayer?: string;
  /** url/onnx sources: input/output convention; default `{ layout: 'nhwc-uint8' }`. */
  onnx?: OnnxIoSpec;
  /**
   * npm sources: store the converted model in int8 (see onnx/quantize-qdq.ts). The ranges are
   * per activation tensor of the converted graph, from scripts/calibrate-backbone.ts.
   */
  quantization?: BackboneQuantization;
  /** The file this manifest was read from. */
  manifestPath: string;
  /** True for manifests shipped in the repository's models/ folder. */
  builtin: boolean;
}

export interface BackboneQuantization {
  kind: 'int8-qdq';
  /** What the ranges were calibrated on (for the docs and `framewise backbones`). */
  calibration: string;
  activationRanges: Record<string, [number, number]>;
  /** Convs kept in float32 (node names or prefixes), for accuracy; see quantize-qdq.ts. */
  floatLayers?: string[];
}

export interface RegistryOptions {
  /** Extra folders with user manifests (*.json). Default: FRAMEWISE_BACKBONE_DIRS. */
  manifestDirs?: readonly string[];
  /** Folder with the shipped manifests. Default: FRAMEWISE_MODELS_DIR, else the repository's models/. */
  builtinDir?: string;
}

export interface Registry {
  backbones: BackboneManifest[];
  /** Manifests that were skipped, with the reason (shown by `framewise backbones` and in errors). */
  problems: string[];
}

const SHIPPED_MARKER = `${DEFAULT_BACKBONE_ID}.json`;

/**
 * Finds the shipped models/ folder by walking up from this module, so it works from src/ (tests),
 * dist/ (tsc output) and bundled out/ (electron-vite) alike.
 */
export function builtinModelsDir(): string | undefined {
  const fromEnv = process.env.FRAMEWISE_MODELS_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'models');
    if (existsSync(path.join(candidate, SHIPPED_MARKER))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function userManifestDirs(options: RegistryOptions): string[] {
  if (options.manifestDirs) return [...options.manifestDirs];
  const env = process.env.FRAMEWISE_BACKBONE_DIRS;
  return env ? env.split(path.delimiter).filter((d) => d.length > 0) : [];
}

export async function loadRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const problems: string[] = [];
  const byId = new Map<string, BackboneManifest>();
  const builtinDir = options.builtinDir ?? builtinModelsDir();
  if (!builtinDir) problems.push('The shipped models/ folder was not found (set FRAMEWISE_MODELS_DIR).');
  const dirs: [string, boolean][] = [
    ...(builtinDir ? [[builtinDir, true] as [string, boolean]] : []),
    ...userManifestDirs(options).map((d): [string, boolean] => [path.resolve(d), false]),
  ];
  for (const [dir, builtin] of dirs) {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (e) {
      problems.push(`Cannot read the backbone folder ${dir}: ${(e as Error).message}`);
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        const manifest = parseManifest(JSON.parse(await readFile(file, 'utf8')), file, builtin);
        const existing = byId.get(manifest.id);
        if (existing) {
          problems.push(
            `${file}: backbone id "${manifest.id}" is already defined by ${existing.manifestPath}; ignored.`,
          );
          continue;
        }
        byId.set(manifest.id, manifest);
      } catch (e) {
        problems.push(e instanceof FramewiseError ? e.message : `${file}: ${(e as Error).message}`);
      }
    }
  }
  return { backbones: [...byId.values()], problems };
}

export async function listBackbones(options?: RegistryOptions): Promise<BackboneManifest[]> {
  return (await loadRegistry(options)).backbones;
}

export async function getBackbone(
  id: string = DEFAULT_BACKBONE_ID,
  options?: RegistryOptions,
): Promise<BackboneManifest> {
  const { backbones, problems } = await loadRegistry(options);
  const found = backbones.find((b) => b.id === id);
  if (found) return found;
  const known = backbones.map((b) => b.id).join(', ') || 'none';
  const hint = problems.length > 0 ? ` Problems: ${problems.join(' ')}` : '';
  throw new FramewiseError('BACKBONE_UNAVAILABLE', `Unknown backbone "${id}". Available: ${known}.${hint}`, {
    details: { id, known: backbones.map((b) => b.id), problems },
  });
}

// ---- validation -------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function bad(file: string, message: string): FramewiseError {
  return new FramewiseError('BAD_ARGUMENT', `Backbone manifest ${file}: ${message}`, { details: { file } });
}

function str(o: Json, key: string, file: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw bad(file, `"${key}" must be a non-empty string`);
  return v;
}

function posInt(o: Json, key: string, file: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw bad(file, `"${key}" must be a positive integer`);
  return v;
}

function numbers3(v: unknown, what: string, file: string): number[] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw bad(file, `${what} must be an array of 3 numbers (R, G, B)`);
  }
  return v as number[];
}

function parseSource(v: unknown, file: string): WeightSource {
  if (typeof v !== 'object' || v === null) throw bad(file, '"source" must be an object');
  const s = v as Json;
  if (s.kind === 'npm') {
    const modelDir = str(s, 'modelDir', file);
    if (path.isAbsolute(modelDir) || modelDir.split(/[\\/]/).includes('..')) {
      throw bad(file, '"source.modelDir" must be a relative path inside the package');
    }
    return { kind: 'npm', packageName: str(s, 'packageName', file), modelDir };
  }
  if (s.kind === 'url') {
    const url = str(s, 'url', file);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad(file, `"source.url" is not a valid URL: ${url}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw bad(file, '"source.url" must be http(s)');
    const sha256 = str(s, 'sha256', file).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw bad(file, '"source.sha256" must be 64 hex digits');
    if (s.format !== 'onnx') throw bad(file, '"source.format" must be "onnx"');
    return { kind: 'url', url, sha256, bytes: posInt(s, 'bytes', file), format: 'onnx' };
  }
  throw bad(file, '"source.kind" must be "npm" or "url"');
}

/** Validates one manifest; throws BAD_ARGUMENT naming the file and the field at fault. */
export function parseManifest(value: unknown, file: string, builtin = false): BackboneManifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(file, 'must be a JSON object');
  const o = value as Json;
  const id = str(o, 'id', file);
  if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(id)) {
    throw bad(file, '"id" may only use a-z, 0-9, "_", "-", "." (it names cache files)');
  }
  const name = str(o, 'name', file);
  const inputWidth = posInt(o, 'inputWidth', file);
  const inputHeight = posInt(o, 'inputHeight', file);
  const featureDim = posInt(o, 'featureDim', file);
  const norm = o.normalisation as Json | undefined;
  if (typeof norm !== 'object' || norm === null) throw bad(file, '"normalisation" must be an object');
  const source = parseSource(o.source, file);
  const manifest: BackboneManifest = {
    id,
    name,
    inputWidth,
    inputHeight,
    featureDim,
    normalisation: {
      scale: numbers3(norm.scale, '"normalisation.scale"', file),
      offset: numbers3(norm.offset, '"normalisation.offset"', file),
    },
    source,
    license: str(o, 'license', file),
    origin: str(o, 'origin', file),
    manifestPath: file,
    builtin,
  };
  if (o.featureLayer !== undefined) manifest.featureLayer = str(o, 'featureLayer', file);
  if (o.onnx !== undefined) {
    const io = o.onnx as Json;
    if (typeof io !== 'object' || io === null) throw bad(file, '"onnx" must be an object');
    if (io.layout !== 'nhwc-uint8' && io.layout !== 'nchw-float32') {
      throw bad(file, '"onnx.layout" must be "nhwc-uint8" or "nchw-float32"');
    }
    manifest.onnx = { layout: io.layout };
    if (io.input !== undefined) manifest.onnx.input = str(io, 'input', file);
    if (io.output !== undefined) manifest.onnx.output = str(io, 'output', file);
  }
  if (o.quantization !== undefined) {
    if (source.kind !== 'npm') throw bad(file, '"quantization" applies to npm (converted) backbones only');
    manifest.quantization = parseQuantization(o.quantization, file);
  }
  return manifest;
}

function parseQuantization(v: unknown, file: string): BackboneQuantization {
  if (typeof v !== 'object' || v === null) throw bad(file, '"quantization" must be an object');
  const q = v as Json;
  if (q.kind !== 'int8-qdq') throw bad(file, '"quantization.kind" must be "int8-qdq"');
  const ranges = q.activationRanges;
  if (typeof ranges !== 'object' || ranges === null || Array.isArray(ranges)) {
    throw bad(file, '"quantization.activationRanges" must be an object of tensor name → [min, max]');
  }
  const activationRanges: Record<string, [number, number]> = {};
  for (const [name, r] of Object.entries(ranges as Json)) {
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      !r.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
      (r[0] as number) > (r[1] as number)
    ) {
      throw bad(file, `"quantization.activationRanges.${name}" must be [min, max] with min ≤ max`);
    }
    activationRanges[name] = [r[0] as number, r[1] as number];
  }
  if (Object.keys(activationRanges).length === 0) throw bad(file, '"quantization.activationRanges" is empty');
  const out: BackboneQuantization = { kind: 'int8-qdq', calibration: str(q, 'calibration', file), activationRanges };
  if (q.floatLayers !== undefined) {
    const layers = q.floatLayers;
    if (!Array.isArray(layers) || !layers.every((l) => typeof l === 'string' && l.length > 0)) {
      throw bad(file, '"quantization.floatLayers" must be a list of layer names or name prefixes');
    }
    out.floatLayers = layers as string[];
  }
  return out;
}
