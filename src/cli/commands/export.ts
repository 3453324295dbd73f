import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { FramewiseError } from '../../errors.js';
import { exportCaptionerOnnx, exportLabels, exportModelOnnx } from '../../project/export-model.js';
import { exportDataset } from '../../project/export-dataset.js';
import { createCoreServices } from '../../services/core-services.js';
import type { ExportKind, ExportResult, ProjectSnapshot } from '../../services/contract.js';
import { ProjectStore, projectPaths, resolveVideoPath } from '../../store/project-store.js';
import { withProject } from '../project-context.js';
import { parseShard, readList, selectShard } from '../shard.js';
import type { CommandContext } from '../command.js';

/** Written by the core's export.file, as the app's Export dialog writes them (format → its kind). */
const DIALOG_FORMATS = {
  'predictions-csv': 'predictions-csv',
  'predictions-json': 'predictions-json',
  'captions-srt': 'captions-srt',
  'captions-vtt': 'captions-vtt',
  'model-zip': 'model',
  'captioner-zip': 'captioner',
  'features-npy': 'features-npy',
} as const satisfies Record<string, ExportKind>;
const FORMATS = ['onnx', 'captioner-onnx', 'labels-csv', 'labels-json', ...Object.keys(DIALOG_FORMATS)] as const;

/** The project video named by id, path or file name; BAD_ARGUMENT when none or several fit. */
function videoIdOf(snap: ProjectSnapshot, arg: string): string {
  const path = resolve(arg);
  const paths = projectPaths(snap.root);
  const fits = snap.project.videos.filter(
    (v) => v.id === arg || resolveVideoPath(paths, v.path) === path || basename(v.path) === basename(arg),
  );
  if (fits.length === 1) return fits[0]!.id;
  throw new FramewiseError(
    'BAD_ARGUMENT',
    fits.length === 0
      ? `No project video is "${arg}" (give its id, path or file name).`
      : `"${arg}" fits ${fits.length} project videos; give its path.`,
  );
}

/** The dialog's exports from the command line: the same core call, written into outDir. */
async function exportAsDialog(
  dir: string,
  kind: ExportKind,
  outDir: string,
  opts: { video?: string; model?: string },
): Promise<ExportResult> {
  const core = createCoreServices({ transport: 'serve', emit: () => undefined });
  try {
    const snap = await core.api['project.open']({ dir: resolve(dir) });
    await mkdir(outDir, { recursive: true });
    return await core.api['export.file']({
      kind,
      ...(opts.video !== undefined ? { videoId: videoIdOf(snap, opts.video) } : {}),
      ...(opts.model !== undefined ? { name: opts.model } : {}),
      destPath: resolve(outDir),
    });
  } finally {
    await core.dispose();
  }
}

export const exportCommand = {
  name: 'export',
  summary:
    'Export a model as ONNX (+ JSON) or ZIP, the labels as CSV / JSON, predictions, captions or features: all the Export dialog writes',
  usage:
    'framewise export <project> --out DIR [--format FORMAT] [--model NAME] [--video FILE|ID] [--with-backbone] [--json]\n' +
    '  onnx:       DIR/<NAME>.onnx (features [batch, time, dim] → probabilities) and DIR/<NAME>.json;\n' +
    '              --with-backbone adds DIR/<backbone>.onnx (frames → appearance features), described in the JSON\n' +
    '  captioner-onnx: DIR/<NAME>-encoder.onnx, DIR/<NAME>-decoder.onnx (one step) and DIR/<NAME>.json (--model names the captioner)\n' +
    '  labels-csv: DIR/labels.csv (file,start,end,label,caption of the labelled segments)\n' +
    '  labels-json: DIR/labels.json (ActivityNet layout: per video its segments, labels and every caption)\n' +
    '  as the Export dialog: predictions-csv|predictions-json (one --video, else every video), captions-srt|captions-vtt\n' +
    '              and features-npy (--video), model-zip|captioner-zip (--model, default the newest)',
  options: {
    out: { type: 'string' },
    format: { type: 'string' },
    model: { type: 'string' },
    'with-backbone': { type: 'boolean' },
    video: { type: 'string' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const dir = positionals[0];
    const outDir = values['out'];
    if (!dir || typeof outDir !== 'string') return out.usage();
    const format = String(values['format'] ?? 'onnx');
    if (!(FORMATS as readonly string[]).includes(format))
      throw new FramewiseError('BAD_ARGUMENT', `--format must be one of ${FORMATS.join(', ')} (got ${format}).`);
    if (Object.hasOwn(DIALOG_FORMATS, format)) {
      const r = await exportAsDialog(dir, DIALOG_FORMATS[format as keyof typeof DIALOG_FORMATS], outDir, {
        ...(typeof values['video'] === 'string' ? { video: values['video'] } : {}),
        ...(typeof values['model'] === 'string' ? { model: values['model'] } : {}),
      });
      out.line(`${r.fileName} written to ${r.path} (${r.bytes} bytes)`);
      if (out.json) out.print({ format, file: r.path, bytes: r.bytes });
      return 0;
    }
    const store = await ProjectStore.open(dir);
    if (format === 'labels-csv' || format === 'labels-json') {
      const ext = format === 'labels-csv' ? 'csv' : 'json';
      const file = resolve(outDir, `labels.${ext}`);
      const rows = await exportLabels(store, file, ext);
      out.line(`${rows} labelled segment(s) written to ${file}`);
      if (out.json) out.print({ format, file, rows });
      return 0;
    }
    const model = typeof values['model'] === 'string' ? values['model'] : undefined;
    if (format === 'captioner-onnx') {
      const r = await exportCaptionerOnnx(store, model, resolve(outDir));
      out.line(`Captioner ${r.captioner} exported: ${r.encoder}, ${r.decoder} and ${r.json}`);
      if (out.json) out.print({ format, ...r });
      return 0;
    }
    const r = await exportModelOnnx(store, model, resolve(outDir), {
      withBackbone: values['with-backbone'] === true,
      signal,
    });
    out.line(`Model ${r.model} exported: ${r.onnx} (${(r.bytes / 1024).toFixed(0)} KiB) and ${r.json}`);
    if (r.backbone) out.line(`Backbone: ${r.backbone.onnx} (${(r.backbone.bytes / 1e6).toFixed(1)} MB)`);
    if (out.json) out.print({ format, ...r });
    return 0;
  },
};

export const exportDatasetCommand = {
  name: 'export-dataset',
  summary:
    'Write the labelled segments’ features as WebDataset tar shards (.npy float16 + .json) for training elsewhere',
  usage:
    'framewise export-dataset <project> --out DIR [--shard-size 1000] [--list videos.txt] [--shard k/N] [--json]\n' +
    '  --shard k/N: this process exports every N-th labelled video (shard-k-of-N-*.tar, index-k-of-N.jsonl);\n' +
    '  run k = 0..N-1 at once into one DIR; a rerun skips finished sets. --list: only these project videos.',
  options: {
    out: { type: 'string' },
    'shard-size': { type: 'string' },
    list: { type: 'string' },
    shard: { type: 'string' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const dir = positionals[0];
    const outDir = values['out'];
    if (!dir || typeof outDir !== 'string') return out.usage();
    const shardSize = values['shard-size'] === undefined ? undefined : Number(values['shard-size']);
    if (shardSize !== undefined && !(Number.isInteger(shardSize) && shardSize >= 1))
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `--shard-size must be a whole number of samples ≥ 1 (got ${String(values['shard-size'])}).`,
      );
    const shard = typeof values['shard'] === 'string' ? parseShard(values['shard']) : null;
    const listed =
      typeof values['list'] === 'string' ? new Set((await readList(values['list'])).map((v) => resolve(v))) : null;
    return withProject(dir, async (store, engine) => {
      const r = await exportDataset(store, resolve(outDir), {
        engine,
        shardSize,
        signal,
        ...(shard || listed
          ? {
              selectVideos: (paths: string[]) => {
                const inList = listed ? paths.filter((p) => listed.has(p)) : paths;
                return shard ? selectShard(inList, shard, (p) => p) : inList;
              },
            }
          : {}),
        ...(shard ? { set: `${shard.index}-of-${shard.count}` } : {}),
        onVideo: (i, n) => out.progress('Exporting', i, n, 'videos'),
      });
      out.endProgress();
      if (r.alreadyDone)
        out.line(`shard ${shard!.index}/${shard!.count} already done: ${r.samples} sample(s) in ${r.outDir}`);
      else
        out.line(
          `${r.samples} sample(s) in ${r.shards.length} shard(s), ${(r.bytes / 1e6).toFixed(1)} MB, in ${r.outDir} (${r.seconds.toFixed(1)} s)` +
            (r.skipped ? `; ${r.skipped} segment(s) shorter than one frame left out` : ''),
        );
      if (out.json) out.print(r);
      return 0;
    });
  },
};
