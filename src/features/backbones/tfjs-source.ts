/**
 * Reads a tfjs-layers model (topology + weight shards) out of an installed npm package, offline.
 *
 * Two on-disk layouts are understood:
 *  - the standard tfjs one: `model.json` + binary shards named as in the weights manifest;
 *  - nsfwjs' bundled one: `model.min.js` (UMD module exporting `{modelTopology, weightsManifest}`) and
 *    `<shard>.min.js` (UMD module exporting the shard as a base64 string).
 * nsfwjs' `exports` map hides these files from bare specifiers, so they are loaded by absolute path.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FramewiseError } from '../../errors.js';
import type { KerasModelTopology, NamedWeight, WeightSpec, WeightsManifestGroup } from '../onnx/keras-types.js';

export interface TfjsLayersModelFiles {
  topology: KerasModelTopology;
  /** All groups' weight specs, in manifest order (the order of `weightData`). */
  weightSpecs: WeightSpec[];
  /** Concatenated shard bytes, still quantized. */
  weightData: Uint8Array;
  /** Absolute directory the model was read from. */
  modelDir: string;
  packageName: string;
  packageVersion: string;
}

const require = createRequire(import.meta.url);

/** Absolute root directory of an installed package (the folder holding its package.json). */
export function resolvePackageRoot(packageName: string): string {
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch (cause) {
    throw new FramewiseError(
      'BACKBONE_UNAVAILABLE',
      `The npm package "${packageName}" that ships this backbone's weights is not installed.`,
      { cause },
    );
  }
  // Walk up from the entry file: the package root is the nearest folder whose package.json names the package.
  let dir = path.dirname(entry);
  for (;;) {
    const pkgPath = path.join(dir, 'package.json');
    if (existsSync(pkgPath)) {
      const pkg = require(pkgPath) as { name?: string };
      if (pkg.name === packageName) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new FramewiseError('BACKBONE_UNAVAILABLE', `Cannot locate the folder of the npm package "${packageName}".`);
}

export function packageVersion(packageRoot: string): string {
  return (require(path.join(packageRoot, 'package.json')) as { version?: string }).version ?? '0.0.0';
}

/** Loads a UMD/CommonJS module by absolute path and drops it from the require cache (shards are large). */
function requireOnce(file: string): unknown {
  try {
    return require(file);
  } finally {
    delete require.cache[file];
  }
}

export async function loadNpmTfjsModel(source: {
  packageName: string;
  modelDir: string;
}): Promise<TfjsLayersModelFiles> {
  const root = resolvePackageRoot(source.packageName);
  const modelDir = path.resolve(root, source.modelDir);
  if (!modelDir.startsWith(root + path.sep)) {
    throw new FramewiseError('BAD_ARGUMENT', `modelDir "${source.modelDir}" points outside the package.`);
  }
  let topology: KerasModelTopology;
  let groups: WeightsManifestGroup[];
  try {
    const json = path.join(modelDir, 'model.json');
    const parsed = (
      existsSync(json) ? JSON.parse(await readFile(json, 'utf8')) : requireOnce(path.join(modelDir, 'model.min.js'))
    ) as { modelTopology?: KerasModelTopology; weightsManifest?: WeightsManifestGroup[] };
    if (!parsed?.modelTopology || !Array.isArray(parsed.weightsManifest)) {
      throw new Error('model file has no modelTopology/weightsManifest');
    }
    topology = parsed.modelTopology;
    groups = parsed.weightsManifest;
  } catch (cause) {
    throw new FramewiseError(
      'BACKBONE_UNAVAILABLE',
      `Cannot read the backbone model in ${modelDir} (package ${source.packageName}). Reinstall the package.`,
      { cause },
    );
  }

  const shards: Uint8Array[] = [];
  for (const group of groups) {
    for (const p of group.paths) shards.push(await readShard(modelDir, p));
  }
  const total = shards.reduce((n, s) => n + s.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    weightData.set(s, offset);
    offset += s.length;
  }
  return {
    topology,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData,
    modelDir,
    packageName: source.packageName,
    packageVersion: packageVersion(root),
  };
}

async function readShard(modelDir: string, shardPath: string): Promise<Uint8Array> {
  const file = path.resolve(modelDir, shardPath);
  if (!file.startsWith(modelDir + path.sep)) throw new FramewiseError('BAD_ARGUMENT', `Bad shard path ${shardPath}`);
  try {
    if (existsSync(file)) return new Uint8Array(await readFile(file));
    const encoded = requireOnce(`${file}.min.js`);
    if (typeof encoded !== 'string') throw new Error(`${file}.min.js does not export a base64 string`);
    return new Uint8Array(Buffer.from(encoded, 'base64'));
  } catch (cause) {
    throw new FramewiseError('BACKBONE_UNAVAILABLE', `Cannot read the weight shard ${file}(.min.js).`, { cause });
  }
}

function bytesPerElement(spec: WeightSpec): number {
  const q = spec.quantization?.dtype;
  if (q === 'uint8') return 1;
  if (q === 'uint16' || q === 'float16') return 2;
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  throw new FramewiseError('BACKBONE_UNAVAILABLE', `Weight ${spec.name} has unsupported dtype ${spec.dtype}.`);
}

/** IEEE 754 half -> float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Decodes (and dequantizes: value = min + scale * q, as tfjs does) every weight into float32. */
export function dequantizeWeights(specs: readonly WeightSpec[], data: Uint8Array): Map<string, NamedWeight> {
  const out = new Map<string, NamedWeight>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const size = count * bytesPerElement(spec);
    if (offset + size > data.length) {
      throw new FramewiseError(
        'BACKBONE_UNAVAILABLE',
        `The weight shards are shorter than the manifest says (weight ${spec.name}); the package may be damaged.`,
      );
    }
    const values = new Float32Array(count);
    const q = spec.quantization;
    if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
      const min = q.min ?? 0;
      const scale = q.scale ?? 1;
      const wide = q.dtype === 'uint16';
      for (let i = 0; i < count; i++) {
        const raw = wide ? view.getUint16(offset + i * 2, true) : (data[offset + i] as number);
        values[i] = min + scale * raw;
      }
    } else if (q?.dtype === 'float16') {
      for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(offset + i * 2, true));
    } else if (spec.dtype === 'int32') {
      for (let i = 0; i < count; i++) values[i] = view.getInt32(offset + i * 4, true);
    } else {
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(offset + i * 4, true);
    }
    out.set(spec.name, { shape: [...spec.shape], values });
    offset += size;
  }
  return out;
}
