/**
 * Builds (converts) npm-shipped backbones to ONNX in the cache, optionally exports the file, and
 * benchmarks the engines.
 *
 * Node 20 cannot run .ts directly; run it through Vite's module runner (already a dev dependency):
 *
 *   node --input-type=module -e "await (await import('vite')).runnerImport('./scripts/build-backbone.ts')" -- [options]
 *
 * Options:
 *   --id <id>          backbone to build (default: mobilenet_v2_nsfwjs); --all for every npm-shipped one
 *   --cache-root <dir> cache root (default: FRAMEWISE_CACHE_DIR, else XDG cache/framewise)
 *   --out <file>       also copy the .onnx there (e.g. to host it for a url manifest) and print its sha256
 *   --force            rebuild even if the cached file is valid
 *   --bench            measure onnxruntime configurations and tfjs-wasm in frames/s
 *   --frames <n>       frames per timed run in --bench (default 64)
 *   --rounds <n>       interleaved timing rounds in --bench (default 5); best and median are reported
 *   --json <file>      write the bench results as JSON
 */
import { spawnSync } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ensureOnnxModel } from '../src/features/backbones/materialise.js';
import { DEFAULT_BACKBONE_ID, getBackbone, listBackbones } from '../src/features/backbones/registry.js';
import type { BackboneManifest } from '../src/features/backbones/registry.js';
import { createOnnxEngine } from '../src/features/engines/onnx-engine.js';
import { createTfjsWasmEngine } from '../src/features/engines/tfjs-engine.js';
import type { FeatureEngine } from '../src/features/types.js';

// Under `node -e` the arguments start at argv[1]; under `node script.js` at argv[2].
const rawArgs = process.argv.slice(1).filter((a, i) => !(i === 0 && !a.startsWith('-')));
const { values: args } = parseArgs({
  args: rawArgs,
  options: {
    id: { type: 'string' },
    all: { type: 'boolean', default: false },
    'cache-root': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean', default: false },
    bench: { type: 'boolean', default: false },
    frames: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
  allowPositionals: false,
});

function testFrames(spec: BackboneManifest, count: number): Uint8Array {
  const size = `${spec.inputWidth}x${spec.inputHeight}`;
  const r = spawnSync(
    process.env.FFMPEG_PATH ?? 'ffmpeg',
    ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-frames:v', String(count)].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]),
    { maxBuffer: 1 << 30 },
  );
  const bytes = count * spec.inputWidth * spec.inputHeight * 3;
  if (r.status === 0 && r.stdout.length === bytes) return new Uint8Array(r.stdout);
  // No ffmpeg: a deterministic pattern works as well for timing.
  return Uint8Array.from({ length: bytes }, (_, i) => (i * 7 + (i >> 10)) & 0xff);
}

/** Frames/s of one pass over `frames`, fed to `embed` in calls of `batch` frames. */
async function timeOnce(engine: FeatureEngine, frames: Uint8Array, batch: number): Promise<number> {
  const frameBytes = engine.inputWidth * engine.inputHeight * 3;
  const calls = Math.floor(frames.length / frameBytes / batch);
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    await engine.embed(frames.subarray(i * batch * frameBytes, (i + 1) * batch * frameBytes), batch);
  }
  return (calls * batch * 1000) / (performance.now() - start);
}

interface BenchRow {
  backbone: string;
  engine: string;
  batch: number;
  microBatch?: number;
  /** Best and median over the rounds (the machine may be shared: best is the less disturbed number). */
  bestFps: number;
  medianFps: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[s.length >> 1] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function bench(
  spec: BackboneManifest,
  modelPath: string,
  frameCount: number,
  rounds: number,
): Promise<BenchRow[]> {
  const frames = testFrames(spec, frameCount);
  const configs: { threads: number; workers: number; microBatch: number }[] = [
    { threads: 1, workers: 1, microBatch: 16 },
    { threads: 1, workers: 1, microBatch: 4 },
    { threads: 2, workers: 1, microBatch: 16 },
    { threads: 2, workers: 1, microBatch: 4 },
    { threads: 2, workers: 2, microBatch: 8 },
    { threads: 2, workers: 2, microBatch: 4 },
    { threads: 2, workers: 2, microBatch: 2 },
  ];
  const engines: { engine: FeatureEngine; microBatch?: number; batch: number; fps: number[] }[] = [];
  try {
    for (const c of configs)
      engines.push({
        engine: await createOnnxEngine(spec, modelPath, c),
        microBatch: c.microBatch,
        batch: 16,
        fps: [],
      });
    engines.push({ engine: await createTfjsWasmEngine(spec), batch: 8, fps: [] });
    const tfjsFrames = frames.subarray(0, 16 * spec.inputWidth * spec.inputHeight * 3);
    // Warm-up, then interleave the configurations so background load hits them all alike.
    for (const e of engines)
      await e.engine.embed(frames.subarray(0, e.batch * spec.inputWidth * spec.inputHeight * 3), e.batch);
    for (let r = 0; r < rounds; r++) {
      for (const e of engines) {
        const isTfjs = e.microBatch === undefined;
        if (isTfjs && r > 0 && r !== rounds - 1) continue; // slow: first and last round only
        e.fps.push(await timeOnce(e.engine, isTfjs ? tfjsFrames : frames, e.batch));
      }
    }
  } finally {
    for (const e of engines) await e.engine.dispose();
  }
  return engines.map((e) => {
    const row: BenchRow = {
      backbone: spec.id,
      engine: e.engine.backend,
      batch: e.batch,
      microBatch: e.microBatch,
      bestFps: Math.max(...e.fps),
      medianFps: median(e.fps),
    };
    const mb = e.microBatch === undefined ? '' : `, micro-batch ${String(e.microBatch).padStart(2)}`;
    console.log(
      `${row.engine.padEnd(50)} batch ${String(row.batch).padStart(2)}${mb.padEnd(16)}: best ${row.bestFps.toFixed(1).padStart(6)}  median ${row.medianFps.toFixed(1).padStart(6)} frames/s`,
    );
    return row;
  });
}

async function main(): Promise<void> {
  const specs = args.all
    ? (await listBackbones()).filter((b) => b.source.kind === 'npm')
    : [await getBackbone(args.id ?? DEFAULT_BACKBONE_ID)];
  const results: BenchRow[] = [];
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const spec of specs) {
    const model = await ensureOnnxModel(spec, { cacheRoot: args['cache-root'], force: args.force });
    console.log(
      `${spec.id}: ${model.origin} in ${model.ms.toFixed(0)} ms -> ${model.path} (${(model.bytes / 1e6).toFixed(2)} MB, sha256 ${model.sha256})`,
    );
    if (args.out) {
      const out = specs.length > 1 ? `${args.out.replace(/\.onnx$/, '')}-${spec.id}.onnx` : args.out;
      await copyFile(model.path, out);
      console.log(`copied to ${out}`);
    }
    if (args.bench)
      results.push(
        ...(await bench(spec, model.path, Math.max(16, Number(args.frames)), Math.max(1, Number(args.rounds)))),
      );
  }
  if (args.json) {
    await writeFile(args.json, `${JSON.stringify({ loadavg: os.loadavg(), results }, null, 2)}\n`);
  }
}

// Awaited at top level: Vite's runner closes once this module finishes evaluating, and the engines
// still import modules lazily.
try {
  await main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  if (e instanceof Error && e.cause) console.error(e.cause);
  process.exitCode = 1;
}
