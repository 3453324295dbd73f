import { resolveModelDir } from '../../project/predict.js';
import { evaluateProjectModel, saveEvaluation, type EvalSplit } from '../../project/evaluate.js';
import type { CommandContext } from '../command.js';
import { withProject } from '../project-context.js';

const fmt = (x: number | null): string => (x === null ? '   –' : x.toFixed(3));

export const evalCommand = {
  name: 'eval',
  summary: "Evaluate a model on the project's labelled segments (accuracy, confusion, per-class P/R, localization mAP)",
  usage: 'framewise eval <project> [--model NAME] [--split val|test|all] [--json]',
  options: { model: { type: 'string' }, split: { type: 'string' } },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const dir = positionals[0];
    if (!dir) return out.usage();
    return withProject(dir, async (store, engine) => {
      const name = typeof values['model'] === 'string' ? values['model'] : undefined;
      const modelDir = await resolveModelDir(store, name);
      const split: EvalSplit = values['split'] === 'all' ? 'all' : values['split'] === 'test' ? 'test' : 'val';
      const report = await evaluateProjectModel(store, modelDir, engine, { split, signal });
      // Kept with the model (eval.json), as the app does: the Evaluation panel shows it too.
      await saveEvaluation(modelDir, report);
      out.line(
        `evaluated on ${report.videos} ${split === 'all' ? '' : split === 'val' ? 'validation ' : 'test '}video(s), ${report.segments} segment(s)`,
      );
      out.line(
        `top-1 ${report.top1.toFixed(3)}  top-5 ${report.top5.toFixed(3)}  mean per-class accuracy ${fmt(report.meanPerClassAccuracy)}`,
      );
      const names = report.classes;
      const w = Math.max(8, ...names.map((n) => n.length));
      out.line(`${'class'.padEnd(w)}  precision  recall      F1`);
      report.perClass.forEach((pc, i) =>
        out.line(
          `${names[i]!.padEnd(w)}  ${fmt(pc.precision).padStart(9)}  ${fmt(pc.recall).padStart(6)}  ${fmt(pc.f1).padStart(6)}`,
        ),
      );
      out.line(`confusion (rows = truth): ${JSON.stringify(report.confusion)}`);
      const loc = report.localization;
      out.line(
        `localization mAP @ tIoU ${loc.thresholds.join('/')}: ${loc.mAP.map(fmt).join(' / ')} (average ${fmt(loc.average)})`,
      );
      if (out.json)
        out.print({
          split,
          videos: report.videos,
          segments: report.segments,
          classes: names,
          classification: {
            top1: report.top1,
            top5: report.top5,
            meanPerClassAccuracy: report.meanPerClassAccuracy,
            confusion: report.confusion,
            perClass: report.perClass,
          },
          localization: loc,
        });
      return 0;
    });
  },
};
