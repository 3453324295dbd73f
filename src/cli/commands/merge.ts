import { writeFile } from 'node:fs/promises';
import { mergePredictions, predictionsJsonText, toPredictionsCsv } from '../../export/predictions.js';
import type { CommandContext } from '../command.js';
import { readOutputs } from '../shard-outputs.js';

export const mergeCommand = {
  name: 'merge',
  summary: 'Combine the per-video outputs of sharded predict runs (--out-dir) into one predictions JSON / CSV',
  usage: 'framewise merge <dir|predictions.json>... [--out predictions.json] [--csv predictions.csv]',
  options: {
    out: { type: 'string', short: 'o' },
    csv: { type: 'string' },
  },
  async run({ positionals, values, out }: CommandContext): Promise<number> {
    if (positionals.length === 0) return out.usage();
    const docs = await readOutputs(positionals);
    const merged = mergePredictions(docs);
    const text = predictionsJsonText(merged.videos, merged.model !== undefined ? { model: merged.model } : {});
    if (typeof values['out'] === 'string') {
      await writeFile(values['out'], text);
      out.line(`${merged.videos.length} video(s) from ${docs.length} file(s) → ${values['out']}`);
    } else process.stdout.write(text);
    if (typeof values['csv'] === 'string') {
      const rows = merged.videos.flatMap((v) => v.segments.map((s) => ({ video: v.video, ...s })));
      await writeFile(values['csv'], toPredictionsCsv(rows));
      out.line(`predictions written to ${values['csv']}`);
    }
    return 0;
  },
};
