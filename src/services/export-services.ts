/**
 * export.file: predictions (CSV/JSON), captions (SRT/WebVTT), trained models (a ZIP of the model
 * folder, or of its ONNX export) and the user's labels (CSV). Either written where the person chose (Electron's save dialog, or a path typed in serve
 * mode) — atomically, so an interrupted export never leaves half a file under the chosen name — or
 * returned as bytes for the page to download.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { FramewiseError } from '../errors.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import type { ProjectStore } from '../store/project-store.js';
import type { Segment } from '../store/schema.js';
import { toPredictionsCsv, predictionsJsonText, type VideoPredictions } from '../export/predictions.js';
import { toSrt, toWebVtt, type SubtitleCue } from '../export/subtitles.js';
import { mergeCaptionCues } from '../export/caption-merge.js';
import { zipStore, type ZipEntry } from '../export/zip.js';
import { resolveModelDir } from '../project/predict.js';
import { onnxExportFiles, projectLabelRows, projectLabelsJson } from '../project/export-model.js';
import { toLabelsCsv } from '../export/labels-csv.js';
import { resolveCaptionerDir } from '../project/captioning.js';
import { projectCacheFile } from '../project/video-features.js';
import { readFeatureFile } from '../features/feature-file.js';
import { npyBytes } from '../export/npy.js';
import type { Api, ExportArgs, PredictionResult } from './contract.js';
import { readCaptions } from './video-captions.js';
import { fileBase, findVideo, type ServiceContext } from './service-context.js';

interface ExportContent {
  fileName: string;
  mime: string;
  data: Uint8Array;
}

const stem = (file: string): string => fileBase(file).replace(/\.[^.]+$/, '');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The labels file's name: the project's, made safe for any file system. */
const labelsBase = (s: ProjectStore): string => stem(s.project.name.replace(/[\\/:*?"<>|]/g, '_') || 'project');

export function exportServices(ctx: ServiceContext): Pick<Api, 'export.file'> {
  /** The newest prediction of this session for a video (it carries the probability curves). */
  const lastPrediction = (videoId: string): PredictionResult | null => {
    let found: PredictionResult | null = null;
    for (const r of ctx.results.values())
      if (r.kind === 'predict' && r.prediction.videoId === videoId) found = r.prediction;
    return found;
  };

  const content = async (s: ProjectStore, args: ExportArgs): Promise<ExportContent> => {
    switch (args.kind) {
      case 'predictions-csv':
      case 'predictions-json':
        return predictionsContent(s, args.kind, args.videoId, lastPrediction);
      case 'captions-srt':
      case 'captions-vtt': {
        if (!args.videoId) throw new FramewiseError('BAD_ARGUMENT', 'Choose the video whose captions to export.');
        const video = findVideo(s, args.videoId);
        const cues = await captionCues(s, args.videoId);
        if (cues.length === 0)
          throw new FramewiseError(
            'NOT_FOUND',
            `${fileBase(video.path)} has no captions yet: caption it with a trained captioner, or write captions on its segments.`,
          );
        const srt = args.kind === 'captions-srt';
        return {
          fileName: `${stem(video.path)}.${srt ? 'srt' : 'vtt'}`,
          mime: srt ? 'application/x-subrip' : 'text/vtt',
          data: text(srt ? toSrt(cues) : toWebVtt(cues)),
        };
      }
      case 'model':
      case 'captioner': {
        const dir =
          args.kind === 'model' ? await resolveModelDir(s, args.name) : await resolveCaptionerDir(s, args.name);
        const name = fileBase(dir);
        return { fileName: `${name}.zip`, mime: 'application/zip', data: zipStore(await folderEntries(dir, name)) };
      }
      case 'model-onnx': {
        const { model, onnx, json } = await onnxExportFiles(s, args.name);
        const entries = [
          { name: `${model}/${model}.onnx`, data: onnx },
          { name: `${model}/${model}.json`, data: text(json) },
        ];
        return { fileName: `${model}-onnx.zip`, mime: 'application/zip', data: zipStore(entries) };
      }
      case 'features-npy': {
        if (!args.videoId) throw new FramewiseError('BAD_ARGUMENT', 'Choose the video whose features to export.');
        const video = findVideo(s, args.videoId);
        const engine = await ctx.engineFor(s.project.settings.backboneId);
        const file = projectCacheFile(s, video, engine);
        const data = file ? await readFeatureFile(file).catch(() => null) : null;
        if (!data)
          throw new FramewiseError(
            'NOT_FOUND',
            `${fileBase(video.path)} has no features at this project's settings yet: extract them first (Jobs → Extract).`,
          );
        const { count, featureDim } = data.header;
        return {
          fileName: `${stem(video.path)}-features.npy`,
          mime: 'application/octet-stream',
          data: npyBytes(data.features, [count, featureDim]),
        };
      }
      case 'labels-csv':
        return {
          fileName: `${labelsBase(s)}-labels.csv`,
          mime: 'text/csv',
          data: text(toLabelsCsv(projectLabelRows(s))),
        };
      case 'labels-json': {
        const json = JSON.stringify(projectLabelsJson(s), null, 1) + '\n';
        return { fileName: `${labelsBase(s)}-labels.json`, mime: 'application/json', data: text(json) };
      }
      default:
        throw new FramewiseError('BAD_ARGUMENT', `Unknown export kind "${String(args.kind)}".`);
    }
  };

  return {
    'export.file': async (args) => {
      const s = ctx.requireStore();
      const out = await content(s, args);
      if (args.destPath === undefined)
        return {
          fileName: out.fileName,
          mime: out.mime,
          bytes: out.data.length,
          path: null,
          base64: Buffer.from(out.data).toString('base64'),
        };
      const target = await exportTarget(args.destPath, out.fileName);
      await atomicWriteFile(target, out.data);
      return { fileName: fileBase(target), mime: out.mime, bytes: out.data.length, path: target, base64: null };
    },
  };
}

/** The file to write: `dest` itself, or `dest/<fileName>` when dest is an existing folder. */
async function exportTarget(dest: string, fileName: string): Promise<string> {
  if (!dest.trim() || !isAbsolute(dest))
    throw new FramewiseError('BAD_ARGUMENT', `Export to a full path (e.g. /home/me/clip.srt), not "${dest}".`);
  const abs = resolve(dest);
  const st = await stat(abs).catch(() => null);
  if (st?.isDirectory()) return join(abs, fileName);
  const parent = resolve(abs, '..');
  const pst = await stat(parent).catch(() => null);
  if (!pst?.isDirectory())
    throw new FramewiseError('FILE_NOT_FOUND', `Cannot export to ${abs}: the folder ${parent} does not exist.`);
  return abs;
}

async function predictionsContent(
  s: ProjectStore,
  kind: 'predictions-csv' | 'predictions-json',
  videoId: string | undefined,
  lastPrediction: (videoId: string) => PredictionResult | null,
): Promise<ExportContent> {
  const videos = videoId ? [findVideo(s, videoId)] : s.project.videos;
  const names = new Map(s.project.classes.map((c) => [c.id, c.name]));
  const label = (seg: Segment): string => (seg.classId ? (names.get(seg.classId) ?? seg.classId) : '');
  const perVideo: VideoPredictions[] = [];
  for (const v of videos) {
    const segs = s.project.segments
      .filter((seg) => seg.videoId === v.id && (seg.source === 'prediction' || seg.accepted === true))
      .sort((a, b) => a.start - b.start);
    const captions = (await readCaptions(s, v.id))?.captions ?? [];
    // A generated caption belongs to the predicted segment it overlaps most.
    const captionOf = (seg: Segment): string | undefined => {
      let best: { text: string; overlap: number } | null = null;
      for (const c of captions) {
        const overlap = Math.min(c.end, seg.end) - Math.max(c.start, seg.start);
        if (overlap > 0 && (!best || overlap > best.overlap)) best = { text: c.text, overlap };
      }
      return best?.text;
    };
    const pred = lastPrediction(v.id);
    perVideo.push({
      video: fileBase(v.path),
      ...(v.durationSec !== undefined ? { durationSec: v.durationSec } : {}),
      segments: segs.map((seg) => {
        const caption = captionOf(seg);
        return {
          start: seg.start,
          end: seg.end,
          label: label(seg),
          ...(seg.score !== undefined ? { score: seg.score } : {}),
          ...(caption ? { caption } : {}),
        };
      }),
      ...(pred && kind === 'predictions-json' ? { curves: pred.curves } : {}),
    });
  }
  if (perVideo.every((v) => v.segments.length === 0))
    throw new FramewiseError(
      'NOT_FOUND',
      videoId
        ? 'This video has no predictions yet: run Predict first.'
        : 'No video has predictions yet: run Predict first.',
    );
  const base = videoId ? stem(videos[0]!.path) : stem(s.project.name.replace(/[\\/:*?"<>|]/g, '_') || 'project');
  if (kind === 'predictions-csv') {
    const rows = perVideo.flatMap((v) => v.segments.map((seg) => ({ video: v.video, ...seg })));
    return { fileName: `${base}-predictions.csv`, mime: 'text/csv', data: text(toPredictionsCsv(rows)) };
  }
  return {
    fileName: `${base}-predictions.json`,
    mime: 'application/json',
    data: text(predictionsJsonText(perVideo, { createdAt: new Date().toISOString() })),
  };
}

/** Generated captions when the video has them, else the sentences written on its segments. */
async function captionCues(s: ProjectStore, videoId: string): Promise<SubtitleCue[]> {
  // The person's captions win over the generated ones for the same span (caption-merge.ts).
  const generated = (await readCaptions(s, videoId))?.captions ?? [];
  const mine = s.project.segments.filter((seg) => seg.videoId === videoId).sort((a, b) => a.start - b.start);
  return mergeCaptionCues(generated, mine);
}

/** The files of a model folder (flat; checkpoints and temp files left out) under `prefix/`. */
async function folderEntries(dir: string, prefix: string): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.')) continue;
    const file = join(dir, name);
    const st = await stat(file);
    if (!st.isFile()) continue;
    entries.push({ name: `${prefix}/${name}`, data: await readFile(file), date: st.mtime });
  }
  return entries;
}
