/** Which lane each segment goes in, and how a segment is named and coloured. Pure. */
import type { ProjectClass, Segment } from '../../../../src/store/schema.js';
import { formatSeconds } from '../../format.js';

export interface Lanes {
  /** classId ('' for unlabelled or an unknown class) → its user segments in time order. */
  byClass: Map<string, Segment[]>;
  predictions: Segment[];
  /** The Unlabelled lane shows when there are no classes or some segment has none. */
  showUnlabelled: boolean;
}

export function groupLanes(segments: readonly Segment[], classes: readonly ProjectClass[]): Lanes {
  const known = new Set(classes.map((c) => c.id));
  const sorted = [...segments].sort((a, b) => a.start - b.start);
  const byClass = new Map<string, Segment[]>();
  for (const s of sorted) {
    if (s.source !== 'user') continue;
    const key = s.classId !== null && known.has(s.classId) ? s.classId : '';
    byClass.set(key, [...(byClass.get(key) ?? []), s]);
  }
  const predictions = sorted.filter((s) => s.source === 'prediction');
  return { byClass, predictions, showUnlabelled: classes.length === 0 || byClass.has('') };
}

export class SegmentNames {
  private readonly byId: Map<string, ProjectClass>;
  constructor(classes: readonly ProjectClass[]) {
    this.byId = new Map(classes.map((c) => [c.id, c]));
  }

  className(s: Segment): string {
    return (s.classId !== null ? this.byId.get(s.classId)?.name : undefined) ?? 'Unlabelled';
  }

  color(s: Segment): string {
    return (s.classId !== null ? this.byId.get(s.classId)?.color : undefined) ?? '#888888';
  }

  /** What a screen reader and the tooltip say about a segment. */
  label(s: Segment): string {
    const what =
      s.source === 'prediction'
        ? `Predicted ${this.className(s)}, score ${Math.round((s.score ?? 0) * 100)} %`
        : this.className(s);
    const caption = s.captions[0] ? `, “${s.captions[0]}”` : '';
    return `${what}, ${formatSeconds(s.start)} to ${formatSeconds(s.end)}${caption}`;
  }

  /** The text inside a segment: its caption, else its class. */
  text(s: Segment): string {
    return s.captions[0] ?? this.className(s);
  }
}
