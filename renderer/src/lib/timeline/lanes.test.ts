import { describe, expect, it } from 'vitest';
import type { ProjectClass, Segment } from '../../../../src/store/schema.js';
import { groupLanes, SegmentNames } from './lanes.js';

const classes: ProjectClass[] = [{ id: 'run', name: 'run', color: '#ff0000' }];
const s = (id: string, start: number, classId: string | null, source: Segment['source'] = 'user'): Segment => ({
  id,
  videoId: 'v',
  start,
  end: start + 1,
  classId,
  captions: [],
  source,
});

describe('groupLanes', () => {
  it('puts user segments in their class lane in time order, unknown classes in Unlabelled', () => {
    const lanes = groupLanes(
      [s('b', 5, 'run'), s('a', 1, 'run'), s('x', 2, 'gone'), s('p', 3, 'run', 'prediction')],
      classes,
    );
    expect(lanes.byClass.get('run')!.map((x) => x.id)).toEqual(['a', 'b']);
    expect(lanes.byClass.get('')!.map((x) => x.id)).toEqual(['x']);
    expect(lanes.predictions.map((x) => x.id)).toEqual(['p']);
    expect(lanes.showUnlabelled).toBe(true);
    expect(groupLanes([s('a', 1, 'run')], classes).showUnlabelled).toBe(false);
    expect(groupLanes([], []).showUnlabelled).toBe(true);
  });
});

describe('SegmentNames', () => {
  it('names, colours and labels segments', () => {
    const n = new SegmentNames(classes);
    expect(n.color(s('a', 1, 'run'))).toBe('#ff0000');
    expect(n.color(s('a', 1, null))).toBe('#888888');
    expect(n.text({ ...s('a', 1, 'run'), captions: ['a man runs'] })).toBe('a man runs');
    expect(n.label({ ...s('p', 1, 'run', 'prediction'), score: 0.42 })).toMatch(/^Predicted run, score 42 %, /);
  });
});
