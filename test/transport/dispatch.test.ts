import { describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { API_METHODS, type Api } from '../../src/services/contract.js';
import { checkArgs, dispatchApi } from '../../src/transport/dispatch.js';

const calls: unknown[] = [];
const api = new Proxy({} as Api, {
  get: (_t, method: string) => async (args: unknown) => {
    calls.push([method, args]);
    if (method === 'jobs.cancel') throw new FramewiseError('NOT_FOUND', 'No job job_x.');
    if (method === 'jobs.list') throw 'a string, not an Error';
    return { method };
  },
});

describe('dispatchApi (shared by IPC and HTTP)', () => {
  it('calls the method with the args and wraps the result', async () => {
    expect(await dispatchApi(api, 'project.open', { dir: '/p' })).toEqual({
      ok: true,
      result: { method: 'project.open' },
    });
    expect(calls.at(-1)).toEqual(['project.open', { dir: '/p' }]);
  });

  it('refuses names outside the contract without calling anything', async () => {
    const before = calls.length;
    for (const name of ['constructor', '__proto__', 'toString', 'system', '', 'system.info ']) {
      const res = await dispatchApi(api, name, {});
      expect(res.ok, name).toBe(false);
      expect(!res.ok && res.error.code).toBe('NOT_FOUND');
    }
    expect(calls.length).toBe(before);
  });

  it('turns thrown errors, of any kind, into envelopes', async () => {
    expect(await dispatchApi(api, 'jobs.cancel', { jobId: 'job_x' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No job job_x.' },
    });
    expect(await dispatchApi(api, 'jobs.list', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'a string, not an Error' },
    });
  });

  it('treats missing args as {}', async () => {
    expect((await dispatchApi(api, 'system.info', undefined)).ok).toBe(true);
  });
});

describe('checkArgs', () => {
  it('has a rule for every contract method', () => {
    for (const m of API_METHODS) expect(() => checkArgs(m, {})).not.toThrow();
  });

  it('checks types of required and optional fields', () => {
    expect(checkArgs('project.create', { dir: '/a', name: 'x' })).toBeNull();
    expect(checkArgs('project.create', { dir: '/a' })).toMatch(/"name"/);
    expect(checkArgs('video.thumbnail', { videoId: 'v', timeSec: Number.NaN, width: 10 })).toMatch(/"timeSec"/);
    expect(checkArgs('features.extract', {})).toBeNull();
    expect(checkArgs('features.extract', { videoIds: ['a'] })).toBeNull();
    expect(checkArgs('features.extract', { videoIds: 'a' })).toMatch(/"videoIds"/);
    expect(checkArgs('project.save', { project: [] })).toMatch(/"project"/);
    expect(checkArgs('system.info', null)).toMatch(/JSON object/);
    expect(checkArgs('training.start', { head: 'gru', hidden: 16, epochs: 3, clipLength: 4 })).toBeNull();
    expect(checkArgs('training.start', { head: 'rnn' })).toMatch(/"head"/);
    expect(checkArgs('training.start', { head: 'lstm', epochs: 0 })).toMatch(/"epochs"/);
    expect(checkArgs('training.start', { head: 'lstm', hidden: 1.5 })).toMatch(/"hidden"/);
    expect(checkArgs('training.start', { head: 'lstm', background: false })).toBeNull();
    expect(checkArgs('training.start', { head: 'lstm', background: 'off' })).toBe('"background" must be true or false');
    expect(checkArgs('predict.start', {})).toMatch(/"videoId"/);
    expect(checkArgs('predict.start', { videoId: 'v', modelName: 3 })).toMatch(/"modelName"/);
    expect(checkArgs('export.file', { kind: 'captions-srt', videoId: 'v' })).toBeNull();
    expect(checkArgs('export.file', { kind: 'captions-ass' })).toMatch(/"kind"/);
    expect(checkArgs('export.file', { kind: 'model', destPath: 7 })).toMatch(/"destPath"/);
    expect(checkArgs('captioning.train', { cell: 'gru', attention: true, epochs: 5 })).toBeNull();
    expect(checkArgs('captioning.train', { cell: 'gru', attention: 'yes' })).toMatch(/"attention"/);
    expect(checkArgs('captioning.run', { videoId: 'v', windowSec: 0 })).toMatch(/"windowSec"/);
    expect(checkArgs('project.save', { project: {}, baseRevision: -1 })).toMatch(/"baseRevision"/);
  });

  it('checks the localisation predict.start takes, naming the field and its range', () => {
    const ok = { videoId: 'v', threshold: 0.7, smoothingSec: 0, minDurationSec: 1.5 };
    expect(checkArgs('predict.start', ok)).toBeNull();
    expect(checkArgs('predict.start', { videoId: 'v', threshold: 0.5 })).toBeNull();
    for (const threshold of [0, 1, -0.1, 1.5, Number.NaN, '0.5'])
      expect(checkArgs('predict.start', { videoId: 'v', threshold }), String(threshold)).toBe(
        '"threshold" must be a number between 0 and 1 (not 0 or 1 themselves)',
      );
    expect(checkArgs('predict.start', { videoId: 'v', smoothingSec: -1 })).toBe(
      '"smoothingSec" must be a number from 0 to 3600',
    );
    expect(checkArgs('predict.start', { videoId: 'v', minDurationSec: Infinity })).toMatch(/"minDurationSec"/);
    expect(checkArgs('predict.start', { videoId: 'v', minDurationSec: '2' })).toMatch(/"minDurationSec"/);
  });
});
