import { resolveModelDir } from '../../project/predict.js';
import { suggestProjectSegments } from '../../project/suggest.js';
import type { CommandContext } from '../command.js';
import { withProject } from '../project-context.js';

export const suggestCommand = {
  name: 'suggest',
  summary: 'Active learning: the unlabelled stretches the model is least sure about, to label next',
  usage: 'framewise suggest <project> [--model NAME] [--limit 10] [--json]',
  options: { model: { type: 'string' }, limit: { type: 'string' } },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const dir = positionals[0];
    if (!dir) return out.usage();
    return withProject(dir, async (store, engine) => {
      const modelDir = await resolveModelDir(store, typeof values['model'] === 'string' ? values['model'] : undefined);
      const limit = values['limit'] === undefined ? 10 : Math.max(1, Math.floor(Number(values['limit'])) || 10);
      const { suggestions, classNames: names } = await suggestProjectSegments(store, modelDir, engine, {
        limit,
        signal,
      });
      const paths = new Map(store.project.videos.map((v) => [v.id, v.path]));
      for (const s of suggestions) {
        out.line(
          `${paths.get(s.videoId)} ${s.start.toFixed(2)}–${s.end.toFixed(2)} s  uncertainty ${s.uncertainty.toFixed(3)}  ` +
            s.top.map((t) => `${names.get(t.classId)} ${(t.probability * 100).toFixed(0)}%`).join(' / '),
        );
      }
      if (suggestions.length === 0) out.line('Nothing to suggest: every window is labelled.');
      if (out.json) out.print(suggestions.map((s) => ({ ...s, video: paths.get(s.videoId) })));
      return 0;
    });
  },
};
