import { projectFeatures } from '../../project/training.js';
import { localize } from '../../inference/predict.js';
import { samplesFromSegments } from '../../training/dataset.js';
import { evaluateSamples } from '../../training/train.js';
import { normalizerOf } from '../../training/model-io.js';
import { classificationReport, localizationMap, type PredSegment } from '../../eval/metrics.js';
import type { CommandContext } from '../command.js';
import { withProject, projectModel } from '../project-context.js';

export const evalCommand = {
  name: 'eval',
  summary: "Evaluate a model on the project's labelled segments (accuracy, confusion, per-class P/R, localization mAP)",
  usage: 'framewise eval <project> [--model NAME] [--split val|all] [--json]',
  options: { model: { type: 'string' }, split: { type: 'string' } },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const dir = positionals[0];
    if (!dir) return out.usage();
    return withProject(dir, async (store, engine) => {
      const model = await projectModel(store, engine, values['model']);
      const split = values['split'] === 'all' ? 'all' : 'val';
      const labelled = store.project.segments.filter((s) => s.source === 'user' && s.classId !== null);
      const val = new Set(model.meta.valVideos ?? []);
      const videoIds = [...new Set(labelled.map((s) => s.videoId))].filter((id) => split === 'all' || val.has(id));
      if (videoIds.length === 0) {
        out.line(
          split === 'val'
            ? 'The model has no validation videos in this project; use --split all.'
            : 'No labelled videos to evaluate on.',
        );
        return 1;
      }
      const videos = await projectFeatures(store, { engine, videoIds, signal });
      const segs = labelled.filter((s) => videos.has(s.videoId));
      const classIds = model.meta.classes.map((c) => c.id);
      const { samples } = samplesFromSegments(segs, classIds, videos);
      const ev = evaluateSamples(model.head, samples, videos, model.meta.clipLength, normalizerOf(model.meta));
      const report = classificationReport(
        ev.probs,
        samples.map((s) => s.label),
        classIds.length,
      );
      const preds: PredSegment[] = [];
      for (const [id, v] of videos) {
        const loc = await localize(model, v, { signal });
        for (const s of loc.segments) preds.push({ ...s, videoId: id });
      }
      const gt = segs.map((s) => ({ videoId: s.videoId, classId: s.classId!, start: s.start, end: s.end }));
      const map = localizationMap(gt, preds);
      out.line(
        `evaluated on ${videoIds.length} ${split === 'val' ? 'validation ' : ''}video(s), ${samples.length} segment(s)`,
      );
      out.line(
        `top-1 ${report.top1.toFixed(3)}  top-5 ${report.top5.toFixed(3)}  mean per-class accuracy ${report.meanPerClassAccuracy.toFixed(3)}`,
      );
      const names = model.meta.classes.map((c) => c.name);
      const w = Math.max(8, ...names.map((n) => n.length));
      out.line(`${'class'.padEnd(w)}  precision  recall`);
      report.perClass.forEach((pc, i) =>
        out.line(`${names[i]!.padEnd(w)}  ${pc.precision.toFixed(3).padStart(9)}  ${pc.recall.toFixed(3).padStart(6)}`),
      );
      out.line(`confusion (rows = truth): ${JSON.stringify(report.confusion)}`);
      out.line(
        `localization mAP @ tIoU ${map.thresholds.join('/')}: ${map.mAP.map((m) => m.toFixed(3)).join(' / ')} (average ${map.average.toFixed(3)})`,
      );
      if (out.json)
        out.print({
          split,
          videos: videoIds.length,
          segments: samples.length,
          classes: names,
          classification: report,
          localization: map,
        });
      return 0;
    });
  },
};
