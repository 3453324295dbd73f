/**
 * export.file's exports for other tools, through the contract's dispatch (as the app calls it):
 * 'model-onnx' is a ZIP of <model>.onnx + <model>.json whose ONNX gives the model's own
 * probabilities; 'labels-csv' is the user's labels.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/models/backend.js';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { ExportResult } from '../../src/services/contract.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { dispatchApi } from '../../src/transport/dispatch.js';
import { packClips } from '../../src/training/dataset.js';
import { normalizerOf, saveModel, type TrainedModel } from '../../src/training/model-io.js';
import { train } from '../../src/training/train.js';
import { makeTempDir, removeTempDir } from '../fixtures/videos.js';
import { orderTask } from '../training/synthetic.js';

/** The entries of a stored (uncompressed) ZIP, read through the local headers. */
function unzipStored(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    expect(buf.readUInt16LE(at + 8)).toBe(0); // stored
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const start = at + 30 + nameLen + buf.readUInt16LE(at + 28);
    out.set(buf.toString('utf8', at + 30, at + 30 + nameLen), buf.subarray(start, start + size));
    at = start + size;
  }
  return out;
}

let dir: string;
let core: CoreServices;
let model: TrainedModel;
const data = orderTask({ videos: 4, segmentsPerVideo: 6, dim: 10, seed: 5 });

beforeAll(async () => {
  await initBackend('wasm');
  dir = await makeTempDir('fw-export-onnx-');
  const store = await ProjectStore.create(join(dir, 'proj'), 'Tool exports');
  const head = { kind: 'recurrent' as const, cell: 'lstm' as const, hidden: 6, layers: 1, bidirectional: true };
  model = (await train({ clipLength: 8, batchSize: 8, epochs: 2, seed: 2, head }, data)).model;
  await saveModel(join(store.paths.models, 'bi-lstm'), model);
  await store.update((p) => {
    p.classes.push({ id: 'c1', name: 'wave', color: '#ff0000' });
    p.videos.push({ id: 'v1', path: join(dir, 'a.mp4'), addedAt: new Date().toISOString() });
    p.segments.push({ id: 's1', videoId: 'v1', start: 1, end: 2.5, classId: 'c1', captions: [], source: 'user' });
  });
  core = createCoreServices({ transport: 'serve', emit: () => undefined });
  await core.api['project.open']({ dir: join(dir, 'proj') });
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function exportFile(args: unknown): Promise<ExportResult> {
  const r = await dispatchApi(core.api, 'export.file', args);
  if (!r.ok) throw new Error(r.error.message);
  return r.result as ExportResult;
}

describe('export.file for other tools', () => {
  it("'model-onnx': a ZIP of <model>.onnx + <model>.json; the ONNX gives the model's probabilities", async () => {
    const r = await exportFile({ kind: 'model-onnx', name: 'bi-lstm' });
    expect(r).toMatchObject({ fileName: 'bi-lstm-onnx.zip', mime: 'application/zip', path: null });
    const files = unzipStored(Buffer.from(r.base64!, 'base64'));
    expect([...files.keys()]).toEqual(['bi-lstm/bi-lstm.onnx', 'bi-lstm/bi-lstm.json']);
    const sidecar = JSON.parse(files.get('bi-lstm/bi-lstm.json')!.toString('utf8')) as { classes: unknown };
    expect(sidecar.classes).toEqual(data.classes);
    const session = await ort.InferenceSession.create(files.get('bi-lstm/bi-lstm.onnx')!);
    const video = data.videos[2]!;
    const want = model.head.predictProba(packClips([{ video, first: 3, end: 11 }], 8, normalizerOf(model.meta)));
    const x = video.features.slice(3 * 10, 11 * 10);
    const got = (await session.run({ features: new ort.Tensor('float32', x, [1, 8, 10]) })).probabilities!
      .data as Float32Array;
    for (let c = 0; c < 2; c++) expect(Math.abs(got[c]! - want[c]!)).toBeLessThanOrEqual(1e-4);
    await session.release();
  });

  it("'labels-csv': the user's labels; an unknown kind is refused by the argument check", async () => {
    const r = await exportFile({ kind: 'labels-csv' });
    expect(r.fileName).toBe('Tool exports-labels.csv');
    expect(Buffer.from(r.base64!, 'base64').toString('utf8')).toBe(
      `file,start,end,label,caption\r\n${join(dir, 'a.mp4')},1.000,2.500,wave,\r\n`,
    );
    const bad = await dispatchApi(core.api, 'export.file', { kind: 'model-tflite' });
    expect(bad.ok).toBe(false);
  });
});
