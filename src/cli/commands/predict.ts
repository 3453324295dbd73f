import { resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { FramewiseError, toFramewiseError } from '../../errors.js';
import { localizeOptionsFrom, predictVideo, savePredictions, videoFeatures } from '../../project/predict.js';
import {
  toPredictionsCsv,
  predictionsJsonText,
  toPredictionsJson,
  type VideoPredictions,
} from '../../export/predictions.js';
import type { CommandContext } from '../command.js';
import { withProject, namedProjectModel } from '../project-context.js';
import { shardVideos } from '../shard.js';
import { finishedOutput, outputFileFor, writeOutput } from '../shard-outputs.js';

export const predictCommand = {
  name: 'predict',
  summary: 'Classify and localize actions in videos with a trained model',
  usage:
    'framewise predict <project> <video>... [--model NAME] [--threshold 0.5] [--smoothing SEC] [--min-duration SEC]\n' +
    '                  [--csv out.csv] [--save] [--json] [--list files.txt] [--shard k/N] [--out-dir DIR]',
  options: {
    model: { type: 'string' },
    threshold: { type: 'string' },
    smoothing: { type: 'string' },
    'min-duration': { type: 'string' },
    csv: { type: 'string' },
    save: { type: 'boolean' },
    list: { type: 'string' },
    shard: { type: 'string' },
    'out-dir': { type: 'string' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const [dir, ...given] = positionals;
    if (!dir) return out.usage();
    const videos = await shardVideos(given, values, (t) => out.line(t));
    if (!videos) return out.usage();
    const outDir = typeof values['out-dir'] === 'string' ? resolve(values['out-dir']) : null;
    const threshold = values['threshold'] === undefined ? undefined : Number(values['threshold']);
    if (threshold !== undefined && !(threshold > 0 && threshold < 1))
      throw new FramewiseError('BAD_ARGUMENT', '--threshold must be between 0 and 1.');
    const seconds = (name: string): number | undefined => {
      if (values[name] === undefined) return undefined;
      const n = Number(values[name]);
      if (!(Number.isFinite(n) && n >= 0))
        throw new FramewiseError(
          'BAD_ARGUMENT',
          `--${name} must be a number of seconds ≥ 0 (got ${String(values[name])}).`,
        );
      return n;
    };
    const smoothingSec = seconds('smoothing');
    const minDurationSec = seconds('min-duration');
    return withProject(dir, async (store, engine) => {
      const { model, tag } = await namedProjectModel(store, engine, values['model']);
      const localization = localizeOptionsFrom({ threshold, smoothingSec, minDurationSec }, model.meta.fps);
      const results: VideoPredictions[] = [];
      const toSave: { file: string; segments: { start: number; end: number; classId: string; score: number }[] }[] = [];
      const classIdOf = new Map(store.project.classes.map((c) => [c.name, c.id]));
      let skipped = 0;
      let failed = 0;
      for (const v of videos) {
        const file = outDir ? outputFileFor(outDir, v) : null;
        const done = file ? await finishedOutput(file, tag) : null;
        if (done) {
          results.push(...done.videos);
          for (const r of done.videos)
            toSave.push({
              file: resolve(r.video),
              segments: r.segments.flatMap((s) => {
                const classId = classIdOf.get(s.label);
                return classId ? [{ start: s.start, end: s.end, classId, score: s.score ?? 1 }] : [];
              }),
            });
          skipped++;
          continue;
        }
        try {
          const feats = await videoFeatures(resolve(v), store, engine, { signal, fps: model.meta.fps });
          const p = await predictVideo(model, feats, v, { signal, ...localization });
          const r: VideoPredictions = {
            video: p.video,
            durationSec: p.durationSec,
            segments: p.segments.map((s) => ({ start: s.start, end: s.end, label: s.label, score: s.score })),
            curves: p.curves,
          };
          results.push(r);
          toSave.push({ file: resolve(v), segments: p.segments });
          if (file) await writeOutput(file, toPredictionsJson([r], { model: tag }));
          out.line(
            `${v}: ${p.top
              .slice(0, 3)
              .map((c) => `${c.name} ${(c.probability * 100).toFixed(1)}%`)
              .join(', ')}`,
          );
          for (const s of p.segments)
            out.line(`  ${s.start.toFixed(2)}–${s.end.toFixed(2)} s  ${s.label}  (${s.score.toFixed(2)})`);
        } catch (e) {
          // A sharded job reports a bad video and goes on with the others; a plain run stops.
          const err = toFramewiseError(e);
          if (!outDir || err.code === 'ABORTED') throw err;
          failed++;
          out.error(new FramewiseError(err.code, `${v}: ${err.message}`));
        }
      }
      if (outDir)
        out.line(
          `${videos.length - skipped - failed} predicted, ${skipped} already done, ${failed} failed → ${outDir}`,
        );
      if (typeof values['csv'] === 'string') {
        const rows = results.flatMap((r) =>
          r.segments.map((s) => ({ video: r.video, start: s.start, end: s.end, label: s.label, score: s.score })),
        );
        await writeFile(values['csv'], toPredictionsCsv(rows));
        out.line(`predictions written to ${values['csv']}`);
      }
      if (values['save']) {
        const saved = await savePredictions(store, toSave);
        out.line(`${saved} predicted segment(s) saved in the project as pre-labels (source "prediction")`);
      }
      if (out.json) {
        process.stdout.write(predictionsJsonText(results));
      }
      return failed > 0 ? 1 : 0;
    });
  },
};
