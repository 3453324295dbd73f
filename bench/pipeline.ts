/**
 * Pipeline benchmark (decode → features → cache), each figure against a peer measured in this run:
 * - decode: our streaming decoder vs ffmpeg alone writing raw frames to a pipe (the floor);
 * - features: the default (float32) backbone vs its int8 forms (per instruction set), tfjs-wasm and
 *   PyTorch on the same frames;
 * - end to end: extraction time vs ffmpeg decoding alone, interleaved rounds, medians;
 * - memory: peak RSS extracting a 10-minute vs a 1-minute video (flat memory means ≈ 1×).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeatureEngine } from '../src/features/engines/select.js';
import type { FeatureEngine } from '../src/features/types.js';
import { clearProbeCache, probe } from '../src/video/probe.js';
import { extractFeatures } from '../src/features/extract.js';
import { DEFAULT_STREAMS, streamsFor, type FrameStream } from '../src/features/streams/streams.js';
import { decodeFrames } from '../src/video/decode.js';
import { benchVideo, cpuIsa, ffmpegDecodeSeconds, fmt, median } from './util.js';
import { torchPeer } from './torch.js';

/** The default backbone, float32, and its int8 forms (the first one is the opt-in for new projects). */
const FLOAT_BACKBONE = 'mobilenet_v2_nsfwjs';
const INT8_BACKBONE = 'mobilenet_v2_nsfwjs_int8_v2';
const INT8_V1_BACKBONE = 'mobilenet_v2_nsfwjs_int8';

export interface PipelineResults {
  [key: string]: number | string | null;
}

export async function benchPipeline(log: (s: string) => void, opts: { quick: boolean }): Promise<PipelineResults> {
  const r: PipelineResults = {};
  const fps = 4;
  const video = benchVideo('pipeline', 60, 640, 360);
  log(`video: 60 s, 640x360 @ 25 fps h264 → sampled at ${fps} fps, 224x224`);

  // Decoding alone, ours (video already probed) against ffmpeg writing to a pipe; interleaved, medians.
  await probe(video);
  const decodeRuns: { ours: number[]; ffmpeg: number[] } = { ours: [], ffmpeg: [] };
  let n = 0;
  const frames: Uint8Array[] = [];
  for (let round = 0; round < 3; round++) {
    const floor = await ffmpegDecodeSeconds(video, fps, 224);
    decodeRuns.ffmpeg.push(floor.seconds);
    const t = performance.now();
    n = 0;
    for await (const f of decodeFrames(video, { fps, size: 224 })) {
      if (frames.length < 64) frames.push(f.data);
      n++;
    }
    decodeRuns.ours.push((performance.now() - t) / 1000);
  }
  const decodeSeconds = median(decodeRuns.ours);
  r['decode_ffmpeg_fps'] = n / median(decodeRuns.ffmpeg);
  r['decode_ours_fps'] = n / decodeSeconds;
  r['decode_ours_vs_ffmpeg_time_ratio'] = decodeSeconds / median(decodeRuns.ffmpeg);
  log(
    `decode-only, median of 3 interleaved rounds: ours ${fmt(r['decode_ours_fps'] as number, 1)} frames/s, ffmpeg alone ${fmt(r['decode_ffmpeg_fps'] as number, 1)} frames/s → time ratio ${fmt(r['decode_ours_vs_ffmpeg_time_ratio'] as number)}× (target ≤ 1.1)`,
  );

  // The default (float32) backbone and its int8 forms, timed alike.
  let t0: number;
  const engine = await createFeatureEngine();
  const int8Engine = await createFeatureEngine(INT8_BACKBONE, { strict: true });
  const int8V1Engine = await createFeatureEngine(INT8_V1_BACKBONE, { strict: true });
  const isa = cpuIsa();
  r['feature_backend'] = engine.backend;
  r['feature_backbone'] = engine.backboneId;
  r['cpu_isa'] = isa;
  const batch = 16;
  const pixels = new Uint8Array(batch * 224 * 224 * 3);
  for (let i = 0; i < batch; i++) pixels.set(frames[i % frames.length]!, i * 224 * 224 * 3);
  const reps = opts.quick ? 4 : 12;
  const timeEngine = async (e: FeatureEngine): Promise<{ fps: number; cpuPerFrame: number }> => {
    await e.embed(pixels, batch); // warm-up
    const t = performance.now();
    // The engine's worker threads belong to this process: its CPU time is theirs while they run.
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) await e.embed(pixels, batch);
    const cpu = process.cpuUsage(cpu0);
    return {
      fps: (reps * batch) / ((performance.now() - t) / 1000),
      cpuPerFrame: (cpu.user + cpu.system) / 1e6 / (reps * batch),
    };
  };
  const fp32 = await timeEngine(engine);
  const int8 = await timeEngine(int8Engine);
  const int8V1 = await timeEngine(int8V1Engine);
  await int8V1Engine.dispose();
  r['features_fps'] = fp32.fps;
  r['features_int8_fps'] = int8.fps;
  r['features_int8_v1_fps'] = int8V1.fps;
  r['features_int8_vs_fp32'] = int8.fps / fp32.fps;
  r['features_int8_v1_vs_fp32'] = int8V1.fps / fp32.fps;

  let wasmFps: number | null = null;
  try {
    const wasm = await createFeatureEngine(FLOAT_BACKBONE, { prefer: 'tfjs-wasm', strict: true });
    await wasm.embed(pixels, batch);
    t0 = performance.now();
    await wasm.embed(pixels, batch);
    wasmFps = batch / ((performance.now() - t0) / 1000);
    await wasm.dispose();
  } catch (e) {
    log(`tfjs-wasm engine unavailable: ${(e as Error).message}`);
  }
  r['features_tfjs_wasm_fps'] = wasmFps;
  r['features_speedup_vs_tfjs_wasm'] = wasmFps ? fp32.fps / wasmFps : null;
  log(
    `features-only (${engine.backend}, batch ${batch}): ${engine.backboneId} (default, float32) ${fmt(fp32.fps, 1)} frames/s (target ≥ 250); ` +
      `on ${isa}: ${INT8_BACKBONE} ${fmt(int8.fps, 1)} frames/s → int8 ÷ float32 = ${fmt(r['features_int8_vs_fp32'] as number)}×, ` +
      `${INT8_V1_BACKBONE} ${fmt(int8V1.fps, 1)} → ${fmt(r['features_int8_v1_vs_fp32'] as number)}×; ` +
      `tfjs-wasm (float32) ${wasmFps ? fmt(wasmFps, 1) : 'n/a'} frames/s → float32 onnx ${wasmFps ? fmt(r['features_speedup_vs_tfjs_wasm'] as number, 1) + '×' : 'n/a'}`,
  );

  const torch = torchPeer('features');
  r['features_torch_fps'] = torch?.fps ?? null;
  r['features_speedup_vs_torch'] = torch ? fp32.fps / torch.fps : null;
  r['features_int8_speedup_vs_torch'] = torch ? int8.fps / torch.fps : null;
  log(
    torch
      ? `features vs PyTorch ${torch.torch} CPU float32 (${torch.threads} threads, same architecture, batch ${batch}): ${fmt(torch.fps, 1)} frames/s → ours float32 ${fmt(r['features_speedup_vs_torch'] as number, 1)}× faster, int8 v2 ${fmt(r['features_int8_speedup_vs_torch'] as number, 1)}×`
      : 'features vs PyTorch: not installed (apt-get install python3-torch python3-torchvision) — no ratio',
  );

  // End to end, interleaved with the ffmpeg floor so that both see the same machine load; medians.
  // "known": the video was probed before (at import, in the app); "cold": extraction runs ffprobe.
  const rounds = opts.quick ? 3 : 5;
  const runs: Record<'floor' | 'floorThreads' | 'known' | 'cold' | 'int8' | 'streams', number[]> = {
    streams: [],
    floor: [],
    floorThreads: [],
    known: [],
    cold: [],
    int8: [],
  };
  // Extraction runs the decoder with one thread per core (beside the CNN); ffmpeg alone with the same
  // setting is reported too, so the ratio against the stock command is not mistaken for a CNN win.
  const threadArgs = ['-threads', String(Math.min(16, availableParallelism()))];
  let count = 0;
  let extractCpu = 0;
  const extractOnce = async (e: FeatureEngine, streams: FrameStream[] = []): Promise<number> => {
    const cpu0 = process.cpuUsage();
    const res = await extractFeatures(video, {
      engine: e,
      fps,
      streams,
      cacheDir: mkdtempSync(join(tmpdir(), 'fw-bench-')),
    });
    const cpu = process.cpuUsage(cpu0);
    if (e === engine && streams.length === 0) extractCpu = (cpu.user + cpu.system) / 1e6;
    count = res.header.count;
    return res.seconds;
  };
  let floorCpu: number | null = null;
  for (let i = 0; i < rounds; i++) {
    const f = await ffmpegDecodeSeconds(video, fps, 224);
    runs.floor.push(f.seconds);
    floorCpu = f.cpuSeconds;
    runs.floorThreads.push((await ffmpegDecodeSeconds(video, fps, 224, threadArgs)).seconds);
    await probe(video);
    runs.known.push(await extractOnce(engine));
    await clearProbeCache({ disk: true });
    runs.cold.push(await extractOnce(engine));
    await probe(video);
    runs.int8.push(await extractOnce(int8Engine));
    runs.streams.push(await extractOnce(engine, streamsFor(DEFAULT_STREAMS)));
  }
  await engine.dispose();
  await int8Engine.dispose();
  const floorS = median(runs.floor);
  const ratio = (xs: number[]): number => median(xs) / floorS;
  r['e2e_frames'] = count;
  r['e2e_floor_seconds'] = floorS;
  r['e2e_seconds'] = median(runs.known);
  r['e2e_fps'] = count / median(runs.known);
  r['e2e_vs_ffmpeg_decode_ratio'] = ratio(runs.known);
  r['e2e_cold_vs_ffmpeg_decode_ratio'] = ratio(runs.cold);
  r['e2e_int8_vs_ffmpeg_decode_ratio'] = ratio(runs.int8);
  // The default streams (motion) beside the CNN, against appearance alone in the same rounds.
  r['e2e_default_streams_vs_appearance_ratio'] = median(runs.streams) / median(runs.known);
  r['e2e_floor_same_threads_seconds'] = median(runs.floorThreads);
  r['e2e_vs_ffmpeg_same_threads_ratio'] = median(runs.known) / median(runs.floorThreads);
  // Decode and CNN share the cores: the end-to-end time cannot be below their summed CPU time
  // spread over all cores (and on a small machine the decoder needs most of them).
  const cores = availableParallelism();
  const featuresCpu = count * fp32.cpuPerFrame;
  r['decode_ffmpeg_cpu_seconds'] = floorCpu;
  r['features_cpu_seconds'] = featuresCpu;
  r['e2e_node_cpu_seconds'] = extractCpu;
  r['e2e_cpu_floor_seconds'] = floorCpu !== null ? (floorCpu + featuresCpu) / cores : null;
  const spread = (xs: number[]): string => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} s`;
  log(
    `end-to-end, median of ${rounds} interleaved rounds: ${count} frames; ffmpeg decode alone ${fmt(floorS)} s (${spread(runs.floor)}), ` +
      `with ${threadArgs.join(' ')} as extraction runs it ${fmt(median(runs.floorThreads))} s (${spread(runs.floorThreads)})\n` +
      `  ${engine.backboneId}, video known (as after import): ${fmt(median(runs.known))} s (${spread(runs.known)}) → ${fmt(ratio(runs.known))}× decode (target ≤ 1.1); ` +
      `${fmt(r['e2e_vs_ffmpeg_same_threads_ratio'] as number)}× ffmpeg with the same threads\n` +
      `  ${engine.backboneId}, cold (ffprobe first): ${fmt(median(runs.cold))} s (${spread(runs.cold)}) → ${fmt(ratio(runs.cold))}×\n` +
      `  ${INT8_BACKBONE} (${isa}), video known: ${fmt(median(runs.int8))} s (${spread(runs.int8)}) → ${fmt(ratio(runs.int8))}×\n` +
      `  ${engine.backboneId} + default streams (${DEFAULT_STREAMS.join(', ')}): ${fmt(median(runs.streams))} s (${spread(runs.streams)}) → ` +
      `${fmt(r['e2e_default_streams_vs_appearance_ratio'] as number)}× appearance alone (target ≤ 1.25)`,
  );
  if (floorCpu !== null) {
    log(
      `CPU: ffmpeg decode ${fmt(floorCpu)} CPU-s alone, ${engine.backboneId} features ${fmt(featuresCpu)} CPU-s alone, this process during an extraction ${fmt(extractCpu)} CPU-s (features + reading frames); ` +
        `on ${cores} cores the work alone needs ≥ ${fmt((r['e2e_cpu_floor_seconds'] as number) / floorS)}× decode time`,
    );
  }

  const minutes = opts.quick ? [1, 10] : [1, 10, 60];
  const rss: Record<number, number> = {};
  for (const m of minutes) {
    const file = benchVideo('scaling', m * 60, 320, 240);
    const out = execFileSync(process.execPath, ['--import', 'tsx', join('bench', 'rss-child.ts'), file], {
      encoding: 'utf8',
    });
    const j = JSON.parse(out.trim().split('\n').pop()!) as { frames: number; seconds: number; maxRssMiB: number };
    rss[m] = j.maxRssMiB;
    r[`rss_${m}min_MiB`] = j.maxRssMiB;
    r[`time_${m}min_s`] = j.seconds;
    log(`scaling ${m} min (320x240): ${j.frames} frames in ${fmt(j.seconds)} s, peak RSS ${fmt(j.maxRssMiB, 0)} MiB`);
  }
  const last = minutes[minutes.length - 1]!;
  r['rss_ratio_longest_vs_1min'] = rss[last]! / rss[1]!;
  // Linearity is judged from 10 minutes up: the 1-minute run is dominated by fixed start-up (engine, probe, hash).
  r['time_ratio_per_minute_longest_vs_10min'] =
    (r[`time_${last}min_s`] as number) / last / ((r['time_10min_s'] as number) / 10);
  log(
    `memory: ${last}-min peak ÷ 1-min peak = ${fmt(r['rss_ratio_longest_vs_1min'] as number)}× (target ≤ 1.2); ` +
      `time per minute, ${last}-min ÷ 10-min = ${fmt(r['time_ratio_per_minute_longest_vs_10min'] as number)}× (linear ≈ 1)`,
  );
  return r;
}
