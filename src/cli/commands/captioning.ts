import { DEFAULT_CAPTION_MODEL } from '../../captioning/model.js';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { FramewiseError } from '../../errors.js';
import { createFeatureEngine } from '../../features/engines/select.js';
import { ProjectStore, resolveVideoPath } from '../../store/project-store.js';
import { videoFeatures } from '../../project/predict.js';
import {
  trainProjectCaptioner,
  loadProjectCaptioner,
  captionFeatures,
  resolveCaptionerDir,
} from '../../project/captioning.js';
import { shardVideos } from '../shard.js';
import { finishedJson, outputFileFor, writeOutput } from '../shard-outputs.js';
import type { CaptionerTrainConfig } from '../../captioning/train-captioner.js';
import { denseCaptionSubtitles } from '../../captioning/dense-captioning.js';
import { importCaptions } from '../../store/import-captions.js';
import type { CommandContext } from '../command.js';

function intOpt(v: unknown, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new FramewiseError('BAD_ARGUMENT', `--${name} must be an integer in ${lo}..${hi} (got ${String(v)}).`);
  return n;
}

function rateOpt(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new FramewiseError('BAD_ARGUMENT', `--${name} must be in [0, 1) (got ${String(v)}).`);
  return n;
}

export const trainCaptionerCommand = {
  name: 'train-captioner',
  summary: "Train an encoder–decoder LSTM/GRU captioner on the project's captioned segments",
  usage:
    'framewise train-captioner <project> [--cell gru|lstm] [--hidden 128] [--embed 64] [--attention] [--summary mean|none] [--input absolute|relative] [--refit auto|always|never] [--val-fraction 0.2] [--steps 16]\n' +
    '                          [--epochs 40] [--batch 16] [--lr 0.003] [--seed 1] [--patience N] [--dropout P]\n' +
    '                          [--word-dropout P] [--label-smoothing E] [--stream-dropout P]\n' +
    '                          [--appearance-weight W] [--name NAME] [--json]',
  options: {
    cell: { type: 'string' },
    hidden: { type: 'string' },
    embed: { type: 'string' },
    attention: { type: 'boolean' },
    summary: { type: 'string' },
    input: { type: 'string' },
    refit: { type: 'string' },
    'val-fraction': { type: 'string' },
    steps: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    patience: { type: 'string' },
    dropout: { type: 'string' },
    'word-dropout': { type: 'string' },
    'label-smoothing': { type: 'string' },
    'stream-dropout': { type: 'string' },
    'appearance-weight': { type: 'string' },
    name: { type: 'string' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const dir = positionals[0];
    if (!dir) return out.usage();
    const cell = String(values['cell'] ?? DEFAULT_CAPTION_MODEL.cell);
    if (cell !== 'lstm' && cell !== 'gru')
      throw new FramewiseError('BAD_ARGUMENT', `--cell must be lstm or gru (got ${cell}).`);
    const hidden = intOpt(values['hidden'], 'hidden', 1, 4096);
    const embed = intOpt(values['embed'], 'embed', 1, 4096);
    const lr = values['lr'] === undefined ? undefined : Number(values['lr']);
    if (lr !== undefined && !(lr > 0 && lr < 1))
      throw new FramewiseError('BAD_ARGUMENT', '--lr must be between 0 and 1.');
    const dropout = rateOpt(values['dropout'], 'dropout');
    const summaryOpt = values['summary'];
    if (summaryOpt !== undefined && summaryOpt !== 'mean' && summaryOpt !== 'none')
      throw new FramewiseError('BAD_ARGUMENT', `--summary must be mean or none (got ${String(summaryOpt)}).`);
    const summary = summaryOpt as 'mean' | 'none' | undefined;
    const inputOpt = values['input'];
    if (inputOpt !== undefined && inputOpt !== 'absolute' && inputOpt !== 'relative')
      throw new FramewiseError('BAD_ARGUMENT', `--input must be absolute or relative (got ${String(inputOpt)}).`);
    const input = inputOpt as 'absolute' | 'relative' | undefined;
    const config: CaptionerTrainConfig = {
      model: {
        cell,
        ...(dropout !== undefined ? { dropout } : {}),
        ...(hidden !== undefined ? { encoderHidden: hidden, decoderHidden: hidden } : {}),
        ...(embed !== undefined ? { embedDim: embed } : {}),
        ...(values['attention'] ? { attention: 'general' as const } : {}),
        ...(summary !== undefined ? { summary } : {}),
        ...(input !== undefined ? { input } : {}),
      },
    };
    const steps = intOpt(values['steps'], 'steps', 1, 1024);
    const epochs = intOpt(values['epochs'], 'epochs', 1, 10000);
    const batch = intOpt(values['batch'], 'batch', 1, 4096);
    const seed = intOpt(values['seed'], 'seed', 0, 2 ** 31);
    if (steps !== undefined) config.steps = steps;
    if (epochs !== undefined) config.epochs = epochs;
    if (batch !== undefined) config.batchSize = batch;
    if (lr !== undefined) config.lr = lr;
    if (seed !== undefined) config.seed = seed;
    const patience = intOpt(values['patience'], 'patience', 0, 10000);
    if (patience !== undefined) config.patience = patience;
    const wordDropout = rateOpt(values['word-dropout'], 'word-dropout');
    if (wordDropout !== undefined) config.wordDropout = wordDropout;
    const smoothing = rateOpt(values['label-smoothing'], 'label-smoothing');
    if (smoothing !== undefined) config.labelSmoothing = smoothing;
    const streamDropout = rateOpt(values['stream-dropout'], 'stream-dropout');
    if (streamDropout !== undefined) config.streamDropout = streamDropout;
    if (values['appearance-weight'] !== undefined) config.appearanceWeight = Number(values['appearance-weight']);
    const valFraction = values['val-fraction'] === undefined ? undefined : Number(values['val-fraction']);
    if (valFraction !== undefined && !(valFraction >= 0 && valFraction < 1))
      throw new FramewiseError('BAD_ARGUMENT', '--val-fraction must be in [0, 1).');
    if (valFraction !== undefined) config.valFraction = valFraction;
    const refit = values['refit'];
    if (refit !== undefined && refit !== 'auto' && refit !== 'always' && refit !== 'never')
      throw new FramewiseError('BAD_ARGUMENT', `--refit must be auto, always or never (got ${String(refit)}).`);

    const store = await ProjectStore.open(dir);
    const engine = await createFeatureEngine(store.project.settings.backboneId);
    out.line(`backend: ${engine.backend}`);
    try {
      const res = await trainProjectCaptioner(store, {
        engine,
        config,
        ...(typeof values['name'] === 'string' ? { name: values['name'] } : {}),
        ...(refit !== undefined ? { refit } : {}),
        signal,
        onProgress: (p) =>
          out.line(
            `epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)}${p.valLoss !== null ? ` val loss ${p.valLoss.toFixed(4)}` : ''}` +
              `${p.bleu4 !== undefined ? ` BLEU-4 ${p.bleu4.toFixed(3)}` : ''}${p.ciderD !== undefined ? ` CIDEr-D ${p.ciderD.toFixed(3)}` : ''}${p.improved ? ' *' : ''}`,
          ),
      });
      for (const w of res.warnings) out.line(`warning: ${w}`);
      if (res.valScores) {
        const v = res.valScores;
        out.line(
          `validation: BLEU-1 ${v.bleu1.toFixed(3)} BLEU-4 ${v.bleu4.toFixed(3)} CIDEr-D ${v.ciderD.toFixed(3)} ROUGE-L ${v.rougeL.toFixed(3)} METEOR (exact+stem) ${v.meteor.toFixed(3)}`,
        );
      }
      out.line(`captioner saved to ${res.dir} (${res.seconds.toFixed(1)} s)`);
      if (out.json)
        out.print({
          dir: res.dir,
          history: res.history,
          valScores: res.valScores,
          trainVideos: res.trainVideos,
          valVideos: res.valVideos,
          seconds: res.seconds,
          warnings: res.warnings,
        });
    } finally {
      await engine.dispose();
    }
    return 0;
  },
};

export const captionCommand = {
  name: 'caption',
  summary: 'Generate captions for a video: per labelled segment or per fixed window, as SRT, WebVTT or JSON',
  usage:
    'framewise caption <project> <video> [--format srt|vtt|json] [--window 4] [--hop 4] [--segments] [--beam 5] [--no-repeat 3] [--model NAME]\n' +
    '       framewise caption <project> <video> <video>… --format json   (one engine load for many videos)\n' +
    '       framewise caption <project> [<video>…] [--list files.txt] [--shard k/N] --out-dir DIR   (one JSON per video; reruns skip done ones)',
  options: {
    list: { type: 'string' },
    shard: { type: 'string' },
    'out-dir': { type: 'string' },
    format: { type: 'string' },
    window: { type: 'string' },
    hop: { type: 'string' },
    segments: { type: 'boolean' },
    beam: { type: 'string' },
    'no-repeat': { type: 'string' },
    model: { type: 'string' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const [dir, ...given] = positionals;
    if (!dir) return out.usage();
    const videos = await shardVideos(given, values, (t) => out.line(t));
    if (!videos) return out.usage();
    const outDir = typeof values['out-dir'] === 'string' ? resolve(values['out-dir']) : null;
    if (outDir && values['format'] !== undefined && values['format'] !== 'json')
      throw new FramewiseError('BAD_ARGUMENT', '--out-dir writes JSON per video; leave out --format.');
    const format = outDir ? 'json' : String(values['format'] ?? 'srt');
    if (!['srt', 'vtt', 'json'].includes(format))
      throw new FramewiseError('BAD_ARGUMENT', `--format must be srt, vtt or json (got ${format}).`);
    if (videos.length > 1 && format !== 'json')
      throw new FramewiseError('BAD_ARGUMENT', 'Several videos need --format json (one subtitle file is one video).');
    const windowSeconds = values['window'] === undefined ? 4 : Number(values['window']);
    const hopSeconds = values['hop'] === undefined ? windowSeconds : Number(values['hop']);
    if (!(windowSeconds > 0) || !(hopSeconds > 0))
      throw new FramewiseError('BAD_ARGUMENT', '--window and --hop must be positive seconds.');
    const beamWidth = intOpt(values['beam'], 'beam', 1, 64) ?? 5;
    // n-gram size that may not occur twice (0 = allow repeats, also of a word right after itself).
    const noRepeat = intOpt(values['no-repeat'], 'no-repeat', 0, 100);
    const repetition = noRepeat === undefined ? {} : { noRepeatNgram: noRepeat, noImmediateRepeat: noRepeat !== 0 };
    const store = await ProjectStore.open(dir);
    const engine = await createFeatureEngine(store.project.settings.backboneId);
    try {
      const name = typeof values['model'] === 'string' ? values['model'] : undefined;
      const captioner = await loadProjectCaptioner(store, engine, name);
      // Names this trained captioner exactly, so a rerun after retraining redoes the videos.
      const tag = `${basename(await resolveCaptionerDir(store, name))}@${captioner.meta.createdAt}`;
      const results: { video: string; captions: ReturnType<typeof captionFeatures> }[] = [];
      let skipped = 0;
      for (const video of videos) {
        const file = resolve(video);
        const outFile = outDir ? outputFileFor(outDir, video) : null;
        if (outFile && (await finishedJson(outFile, tag, captionsOutput))) {
          skipped++;
          continue;
        }
        const feats = await videoFeatures(file, store, engine, { signal, fps: captioner.meta.fps });
        let source: { segments: { start: number; end: number }[] } | { windowSeconds: number; hopSeconds: number } = {
          windowSeconds,
          hopSeconds,
        };
        if (values['segments']) {
          const v = store.project.videos.find((x) => resolveVideoPath(store.paths, x.path) === file);
          if (!v)
            throw new FramewiseError('BAD_ARGUMENT', `--segments needs a video of the project; ${video} is not in it.`);
          source = {
            segments: store.project.segments.filter((s) => s.videoId === v.id).sort((a, b) => a.start - b.start),
          };
        }
        const captions = captionFeatures(captioner, feats, source, { beamWidth, ...repetition });
        if (outFile) {
          await writeOutput(outFile, { format: CAPTIONS_FORMAT, version: 1, captioner: tag, video, captions });
          continue;
        }
        results.push({ video, captions });
      }
      if (outDir) out.line(`${videos.length - skipped} captioned, ${skipped} already done → ${outDir}`);
      else if (format === 'json')
        process.stdout.write(JSON.stringify(results.length === 1 ? results[0] : { videos: results }, null, 2) + '\n');
      else process.stdout.write(denseCaptionSubtitles(results[0]!.captions, format as 'srt' | 'vtt'));
    } finally {
      await engine.dispose();
    }
    return 0;
  },
};

const CAPTIONS_FORMAT = 'framewise-captions';

/** A `caption --out-dir` file: the captions of one video and the captioner that made them. */
function captionsOutput(data: unknown): { doc: unknown; model: string | undefined } {
  const d = data as { format?: unknown; captioner?: unknown; captions?: unknown };
  if (d?.format !== CAPTIONS_FORMAT || !Array.isArray(d.captions)) throw new Error('not a captions file');
  return { doc: d, model: typeof d.captioner === 'string' ? d.captioner : undefined };
}

export const importCaptionsCommand = {
  name: 'import-captions',
  summary: 'Import captions from MSR-VTT, MSVD or ActivityNet Captions JSON onto project videos',
  usage: 'framewise import-captions <project> <captions.json> [--json]',
  options: {},
  async run({ positionals, out }: CommandContext): Promise<number> {
    const [dir, file] = positionals;
    if (!dir || !file) return out.usage();
    const store = await ProjectStore.open(dir);
    const text = await readFile(file, 'utf8').catch((e: Error) => {
      throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${file}: ${e.message}`);
    });
    const res = await importCaptions(store, text, file);
    for (const w of res.warnings) out.line(`warning: ${w}`);
    out.line(
      `${res.format}: ${res.added.length} captioned segment(s) added; ${res.unmatched.length} video key(s) not in the project`,
    );
    if (out.json)
      out.print({ format: res.format, added: res.added.length, unmatched: res.unmatched, ambiguous: res.ambiguous });
    return 0;
  },
};
