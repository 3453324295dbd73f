/**
 * Ctrl+Z right after an edit, while the edit's save is still on its way, undoes that edit. In serve
 * mode the project event of the save can arrive (and redraw the timeline) before the save's own
 * answer; an undo decided at that moment found no step and did nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ApiArgs, ProjectSnapshot } from '../../../src/services/contract.js';
import { newProject, type Project, type Segment } from '../../../src/store/schema.js';
import type { Client } from '../api-client.js';
import { AppState } from './app.svelte.js';

const VIDEO = 'v1';

function snapshotOf(project: Project, revision: number): ProjectSnapshot {
  return { root: '/p', project, revision, features: {}, playback: {} };
}

function predicted(id: string, start: number): Segment {
  return { id, videoId: VIDEO, start, end: start + 1, classId: 'c1', captions: [], source: 'prediction' };
}

/** A core whose project.save answers only when `answer()` is called, after sending its event. */
function slowSaveCore() {
  const saved: Project[] = [];
  let revision = 1;
  let pending: (() => void) | null = null;
  let app: AppState | null = null;
  const client = {
    transport: 'serve',
    platform: 'linux',
    pathForFile: null,
    chooseSavePath: null,
    uploadFile: null,
    onConnection: () => () => undefined,
    onEvent: () => () => undefined,
    call: (method: string, args: unknown) => {
      if (method !== 'project.save') return Promise.reject(new Error(`unexpected call ${method}`));
      const { project } = args as ApiArgs<'project.save'>;
      saved.push(project);
      const snap = snapshotOf(project, ++revision);
      // The event of this save reaches the window first: the timeline already shows the edit.
      app!.project.setSnapshot(snap);
      return new Promise((resolve) => (pending = () => resolve(snap)));
    },
  } as unknown as Client;
  return {
    client,
    saved,
    attach: (a: AppState) => (app = a),
    answer: async () => {
      for (let i = 0; i < 20 && !pending; i++) await Promise.resolve();
      const p = pending;
      pending = null;
      p?.();
    },
  };
}

describe('undo right after an edit', () => {
  it('waits for the edit to be recorded, then undoes it', async () => {
    const core = slowSaveCore();
    const app = new AppState(core.client);
    core.attach(app);
    const project = newProject('p');
    project.videos.push({ id: VIDEO, path: '/v.mp4' } as Project['videos'][number]);
    project.classes.push({ id: 'c1', name: 'walk' } as Project['classes'][number]);
    project.segments.push(predicted('s1', 0), predicted('s2', 3));
    app.project.setSnapshot(snapshotOf(project, 1));
    app.project.selectedId = VIDEO;

    const accepted = project.segments.map((s) =>
      s.id === 's1' ? { ...s, source: 'user' as const, accepted: true } : s,
    );
    const edit = app.history.editSegments(VIDEO, accepted, 'Accept prediction');
    await Promise.resolve();
    // The key press: the timeline shows the accepted segment, its save has not answered yet.
    expect(app.project.segmentsOf(VIDEO).some((s) => s.accepted)).toBe(true);
    const undo = app.undo();
    await core.answer();
    await edit;
    await core.answer();
    await undo;

    expect(core.saved).toHaveLength(2);
    expect(core.saved[1]!.segments.map((s) => s.source)).toEqual(['prediction', 'prediction']);
    expect(app.project.segmentsOf(VIDEO).every((s) => s.source === 'prediction')).toBe(true);
  });
});
