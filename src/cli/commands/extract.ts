import { basename, extname, join, resolve } from 'node:path';
import { FramewiseError, toFramewiseError } from '../../errors.js';
import { DEFAULT_BACKBONE_ID } from '../../features/backbones/registry.js';
import { createFeatureEngine } from '../../features/engines/select.js';
import { extractFeatures, type ExtractResult } from '../../features/extract.js';
import { readFeatureFile } from '../../features/feature-file.js';
import { writeNpy } from '../../export/npy.js';
import { expandVideoPaths } from '../../util/scan.js';
import { formatDuration } from '../output.js';
import { parseShard, readList, selectShard } from '../shard.js';
import type { CommandContext } from '../command.js';

function num(v: unknown, name: string, def: number, check: (n: number) => boolean): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n))
    throw new FramewiseError('BAD_ARGUMENT', `--${name} has an invalid value: ${String(v)}`);
  return n;
}

export const extractCommand = {
  name: 'extract',
  summary: 'Decode videos and write per-frame CNN features (cached; .fwf, optionally .npy)',
  usage:
    'framewise extract <video|folder>... [--fps 4] [--out features/] [--backbone mobilenet_v2_nsfwjs_int8] [--engine onnx|tfjs-wasm]\n' +
    '                  [--fit stretch|crop|pad] [--dtype float16|float32] [--batch 16] [--npy] [--list files.txt] [--shard k/N] [--json]',
  options: {
    fps: { type: 'string' },
    out: { type: 'string', short: 'o' },
    backbone: { type: 'string' },
    engine: { type: 'string' },
    fit: { type: 'string' },
    dtype: { type: 'string' },
    batch: { type: 'string' },
    npy: { type: 'boolean' },
    list: { type: 'string' },
    shard: { type: 'string' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const listed = typeof values['list'] === 'string' ? await readList(values['list']) : [];
    const inputs = [...positionals, ...listed];
    if (inputs.length === 0) return out.usage();
    const fps = num(values['fps'], 'fps', 4, (n) => n > 0 && n <= 240);
    const batchSize = num(values['batch'], 'batch', 16, (n) => Number.isInteger(n) && n >= 1 && n <= 256);
    const fit = String(values['fit'] ?? 'stretch');
    if (!['stretch', 'crop', 'pad'].includes(fit))
      throw new FramewiseError('BAD_ARGUMENT', `--fit must be stretch, crop or pad (got ${fit}).`);
    const dtype = String(values['dtype'] ?? 'float16');
    if (dtype !== 'float16' && dtype !== 'float32')
      throw new FramewiseError('BAD_ARGUMENT', `--dtype must be float16 or float32 (got ${dtype}).`);
    const engineName = values['engine'] === undefined ? undefined : String(values['engine']);
    if (engineName !== undefined && engineName !== 'onnx' && engineName !== 'tfjs-wasm') {
      throw new FramewiseError('BAD_ARGUMENT', `--engine must be onnx or tfjs-wasm (got ${engineName}).`);
    }
    const outDir = resolve(String(values['out'] ?? 'features'));

    let files = await expandVideoPaths(inputs.map((p) => resolve(p)));
    if (typeof values['shard'] === 'string') {
      const shard = parseShard(values['shard']);
      files = selectShard(files, shard, (f) => f);
      out.line(`shard ${shard.index}/${shard.count}: ${files.length} video(s)`);
    }
    if (files.length === 0) {
      out.line('No videos to extract.');
      if (out.json) out.print({ results: [] });
      return 0;
    }

    const engine = await createFeatureEngine(
      String(values['backbone'] ?? DEFAULT_BACKBONE_ID),
      engineName ? { prefer: engineName } : {},
    );
    out.line(`backend: ${engine.backend}`);
    const results: ({ path: string } & (Partial<ExtractResult> & { npy?: string[]; error?: unknown }))[] = [];
    let failed = 0;
    try {
      for (const [i, file] of files.entries()) {
        const label = `[${i + 1}/${files.length}] ${basename(file)}`;
        try {
          const res = await extractFeatures(file, {
            engine,
            fps,
            cacheDir: outDir,
            fit: fit as 'stretch' | 'crop' | 'pad',
            dtype,
            batchSize,
            signal,
            onProgress: (p) => {
              if (p.phase === 'extracting')
                out.progress(
                  label,
                  p.framesDone,
                  p.framesTotal,
                  `${p.fps.toFixed(1)} fps ETA ${formatDuration(p.etaSec)}`,
                );
            },
          });
          out.endProgress();
          const npy = values['npy'] ? await writeNpyPair(res.file, file, outDir) : undefined;
          out.line(
            res.cached
              ? `${label}: cached, ${res.header.count} frames → ${res.file}`
              : `${label}: ${res.header.count} frames in ${res.seconds.toFixed(1)} s (${res.fps.toFixed(1)} frames/s) → ${res.file}`,
          );
          results.push({ path: file, ...res, ...(npy ? { npy } : {}) });
        } catch (e) {
          const err = toFramewiseError(e);
          if (err.code === 'ABORTED') throw err;
          failed++;
          out.error(new FramewiseError(err.code, `${file}: ${err.message}`));
          results.push({ path: file, error: err.toJSON() });
        }
      }
    } finally {
      await engine.dispose();
    }
    if (out.json) out.print({ backend: engine.backend, results });
    else if (files.length > 1)
      out.line(`${files.length - failed} of ${files.length} video(s) extracted${failed ? `, ${failed} failed` : ''}.`);
    return failed > 0 ? 1 : 0;
  },
};

/** Writes <name>-<hash8>.features.npy [T, D] float32 and .times.npy [T] float64 beside the cache. */
async function writeNpyPair(fwf: string, video: string, outDir: string): Promise<string[]> {
  const data = await readFeatureFile(fwf);
  const stem = `${basename(video, extname(video))}-${data.header.videoHash.slice(0, 8)}`;
  const featuresFile = join(outDir, `${stem}.features.npy`);
  const timesFile = join(outDir, `${stem}.times.npy`);
  await writeNpy(featuresFile, data.features, [data.header.count, data.header.featureDim]);
  await writeNpy(timesFile, data.times, [data.header.count]);
  return [featuresFile, timesFile];
}
