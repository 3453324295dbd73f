/**
 * Exports that leave the app, at the project level: a trained model as ONNX + its sidecar JSON
 * (export/onnx-head.ts), and the user's own labels as CSV or ActivityNet-style JSON
 * (export/labels-csv.ts, labels-json.ts).
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { headSidecar, headToOnnx } from '../export/onnx-head.js';
import { backboneSidecar } from '../export/onnx-backbone.js';
import { captionDecoderToOnnx, captionEncoderToOnnx, captionerSidecar } from '../captioning/onnx-export.js';
import { loadCaptioner } from '../captioning/captioner-io.js';
import { resolveCaptionerDir } from './captioning.js';
import { getBackbone } from '../features/backbones/registry.js';
import { ensureOnnxModel } from '../features/backbones/materialise.js';
import { toLabelsCsv, type LabelRow } from '../export/labels-csv.js';
import { toLabelsJson, type LabelsJson } from '../export/labels-json.js';
import { loadModel } from '../training/model-io.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { resolveVideoPath, type ProjectStore } from '../store/project-store.js';
import { resolveModelDir } from './predict.js';

export interface OnnxExport {
  model: string;
  onnx: string;
  json: string;
  bytes: number;
  /** With `withBackbone`: the backbone's .onnx file next to the head's. */
  backbone?: { onnx: string; bytes: number };
}

/**
 * A model's ONNX export, <model>.onnx and <model>.json, for `name` (default the project's newest).
 * The model is exported as trained, with no check against the project's current features: the
 * file is meant to run elsewhere, and the sidecar says which features it needs.
 */
export async function onnxExportFiles(
  store: ProjectStore,
  name: string | undefined,
): Promise<{ model: string; onnx: Uint8Array; json: string }> {
  const dir = await resolveModelDir(store, name);
  const model = await loadModel(dir);
  const modelName = basename(dir);
  return {
    model: modelName,
    onnx: headToOnnx(model, modelName),
    json: JSON.stringify(headSidecar(model, modelName), null, 1) + '\n',
  };
}

/**
 * Writes <outDir>/<model>.onnx and <outDir>/<model>.json; with `withBackbone` also the backbone the
 * model's features come from, <outDir>/<backbone>.onnx (the file Framewise runs, from the backbone
 * cache), described under "backbone" in the JSON, so frames → features → classes runs without Framewise.
 */
export async function exportModelOnnx(
  store: ProjectStore,
  name: string | undefined,
  outDir: string,
  opts: { withBackbone?: boolean; signal?: AbortSignal } = {},
): Promise<OnnxExport> {
  const files = await onnxExportFiles(store, name);
  await mkdir(outDir, { recursive: true });
  const onnx = join(outDir, `${files.model}.onnx`);
  const json = join(outDir, `${files.model}.json`);
  let text = files.json;
  let backbone: OnnxExport['backbone'];
  if (opts.withBackbone) {
    const sidecar = JSON.parse(files.json) as {
      backboneId: string;
      streams: string[];
      fps: number;
      featureDim: number;
    };
    const spec = await getBackbone(sidecar.backboneId);
    const built = await ensureOnnxModel(spec, { signal: opts.signal });
    const file = `${spec.id}.onnx`;
    const target = join(outDir, file);
    // Copied under a temporary name and renamed, like every other file an export writes.
    const tmp = join(outDir, `.${file}.${process.pid}.tmp`);
    try {
      await copyFile(built.path, tmp);
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
    text =
      JSON.stringify({ ...JSON.parse(files.json), backbone: backboneSidecar(spec, file, sidecar) }, null, 1) + '\n';
    backbone = { onnx: target, bytes: built.bytes };
  }
  await atomicWriteFile(onnx, files.onnx);
  await atomicWriteFile(json, text);
  return { model: files.model, onnx, json, bytes: files.onnx.length, ...(backbone ? { backbone } : {}) };
}

/**
 * A captioner's ONNX export: <name>-encoder.onnx, <name>-decoder.onnx (one step) and <name>.json
 * (vocabulary, special tokens, how to decode) in outDir; with attention the encoder also outputs its
 * per-frame states and the decoder step reads them (captioning/onnx-export.ts).
 */
export async function exportCaptionerOnnx(
  store: ProjectStore,
  name: string | undefined,
  outDir: string,
): Promise<{ captioner: string; encoder: string; decoder: string; json: string; bytes: number }> {
  const dir = await resolveCaptionerDir(store, name);
  const cap = await loadCaptioner(dir);
  const model = basename(dir);
  const enc = captionEncoderToOnnx(cap, model);
  const dec = captionDecoderToOnnx(cap, model);
  await mkdir(outDir, { recursive: true });
  const encoder = join(outDir, `${model}-encoder.onnx`);
  const decoder = join(outDir, `${model}-decoder.onnx`);
  const json = join(outDir, `${model}.json`);
  await atomicWriteFile(encoder, enc);
  await atomicWriteFile(decoder, dec);
  await atomicWriteFile(json, JSON.stringify(captionerSidecar(cap, model), null, 1) + '\n');
  return { captioner: model, encoder, decoder, json, bytes: enc.length + dec.length };
}

/** The project's user-labelled segments (predictions not accepted yet are left out), in time order. */
export function projectLabelRows(store: ProjectStore): LabelRow[] {
  const { project } = store;
  const classes = new Map(project.classes.map((c) => [c.id, c.name]));
  const videos = new Map(project.videos.map((v) => [v.id, resolveVideoPath(store.paths, v.path)]));
  return project.segments
    .filter((s) => s.source === 'user' && (s.classId !== null || s.captions.length > 0))
    .map((s) => ({
      file: videos.get(s.videoId) ?? s.videoId,
      start: s.start,
      end: s.end,
      label: s.classId === null ? '' : (classes.get(s.classId) ?? s.classId),
      captions: [...s.captions],
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.start - b.start);
}

/** The labels as ActivityNet-style JSON: every project video, each labelled segment with all its captions. */
export function projectLabelsJson(store: ProjectStore, rows = projectLabelRows(store)): LabelsJson {
  const videos = store.project.videos.map((v) => ({
    file: resolveVideoPath(store.paths, v.path),
    ...(v.durationSec !== undefined ? { durationSec: v.durationSec } : {}),
    ...(v.split !== undefined ? { split: v.split } : {}),
  }));
  return toLabelsJson(videos, rows);
}

/** Writes the labels CSV ('csv') or JSON ('json') to file; the number of labelled segments written. */
export async function exportLabels(store: ProjectStore, file: string, format: 'csv' | 'json'): Promise<number> {
  const rows = projectLabelRows(store);
  await mkdir(dirname(file), { recursive: true });
  await atomicWriteFile(
    file,
    format === 'csv' ? toLabelsCsv(rows) : JSON.stringify(projectLabelsJson(store, rows), null, 1) + '\n',
  );
  return rows.length;
}
