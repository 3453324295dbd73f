import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { FramewiseError } from '../../errors.js';
import { describeVideo } from '../../store/video-entry.js';
import { ProjectStore } from '../../store/project-store.js';
import { importSegments, parseSegmentCsv, scanClassFolders } from '../../store/import-segments.js';
import { parseLabelsJsonText } from '../../store/import-labels-json.js';
import type { CommandContext } from '../command.js';

export const importCommand = {
  name: 'import',
  summary:
    'Import labelled segments: CSV (file,start,end,label / Kinetics), labels JSON (ActivityNet layout) or UCF101-style class folders',
  usage: 'framewise import <project> <segments.csv|labels.json|class-folders/> [--video clip.mp4] [--json]',
  options: { video: { type: 'string' } },
  async run({ positionals, values, out }: CommandContext): Promise<number> {
    const [dir, source] = positionals;
    if (!dir || !source) return out.usage();
    const store = await ProjectStore.open(dir);
    const st = await stat(source).catch(() => null);
    if (!st) throw new FramewiseError('FILE_NOT_FOUND', `Not found: ${source}`);
    let rows;
    let baseDir: string;
    let heldOut: Set<string> | undefined;
    if (st.isDirectory()) {
      const scanned = await scanClassFolders(resolve(source));
      rows = scanned.rows;
      baseDir = resolve(source);
      heldOut = scanned.heldOut;
    } else {
      const text = await readFile(source, 'utf8');
      baseDir = dirname(resolve(source));
      if (extname(source).toLowerCase() === '.json') {
        const parsed = parseLabelsJsonText(text, source);
        rows = parsed.rows;
        if (parsed.heldOut.size > 0) heldOut = parsed.heldOut;
      } else {
        const video = typeof values['video'] === 'string' ? resolve(values['video']) : undefined;
        rows = parseSegmentCsv(text, video);
      }
    }
    const res = await importSegments(store, rows, (file) => describeVideo(file), {
      baseDir,
      ...(heldOut ? { heldOut } : {}),
    });
    out.line(
      `imported ${res.segments} segment(s); ${res.newVideos} new video(s); new classes: ${res.newClasses.join(', ') || 'none'}`,
    );
    if (res.unmatched.length > 0)
      out.line(
        `unmatched videos (${res.unmatched.length}): ${res.unmatched.slice(0, 10).join(', ')}${res.unmatched.length > 10 ? ', …' : ''}`,
      );
    if (res.split)
      out.line(`official split: ${res.split.test} test video(s) held out of training, ${res.split.train} for training`);
    for (const a of res.ambiguous)
      out.line(
        `ambiguous: "${a.video}" fits ${a.candidates.length} videos (${a.candidates.join(', ')}); give its path`,
      );
    for (const d of res.sameContent) out.line(`${d.file} is the same file as ${d.existing}: used that video`);
    if (out.json) out.print(res);
    return res.unmatched.length + res.ambiguous.length > 0 ? 1 : 0;
  },
};
