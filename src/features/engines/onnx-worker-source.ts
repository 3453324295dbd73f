/**
 * Source of the worker thread that owns one onnxruntime InferenceSession.
 *
 * Why a worker: onnxruntime-node's `session.run()` executes synchronously on the calling thread. On the
 * main thread that would stall the event loop (and with it ffmpeg's stdout pipe and IPC) for the whole
 * batch. Workers also let two 1-thread sessions work on different micro-batches at once, which scales
 * better on 2 cores than one 2-thread session (see docs/backbones.md).
 *
 * Why a string evaluated with `eval: true` rather than a module file: it runs unchanged from src/ under
 * vitest, from dist/ after tsc and from an electron-vite bundle, none of which agree on file paths.
 * It is plain JavaScript that loads onnxruntime-node from the absolute path resolved by the parent.
 */
export const ONNX_WORKER_SOURCE = String.raw`
'use strict';
// Dynamic import works whether Node evaluates this as CommonJS or (with --input-type=module) as ESM.
(async () => {
const { parentPort, workerData } = await import('node:worker_threads');
const { createRequire } = await import('node:module');
const ort = createRequire(workerData.ortPath)(workerData.ortPath);
if (workerData.niceness > 0) {
  // Linux keeps a nice value per thread, so this lowers only this worker (see onnx-engine.ts).
  try {
    (await import('node:os')).setPriority(workerData.niceness);
  } catch {
    // Not permitted here (a container policy, say): run at normal priority.
  }
}
let session;
let io;

function describeValue(m) {
  return m && m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m ? m.name : '?', type: 'non-tensor', shape: [] };
}

function resolveIo(s) {
  const inputs = s.inputMetadata.map(describeValue);
  const outputs = s.outputMetadata.map(describeValue);
  const want = workerData.io || {};
  const input = want.input ? inputs.find((i) => i.name === want.input) : inputs.length === 1 ? inputs[0] : undefined;
  const output = want.output ? outputs.find((o) => o.name === want.output) : outputs.length === 1 ? outputs[0] : undefined;
  if (!input) throw new Error('cannot tell which model input takes the frames; inputs: ' + inputs.map((i) => i.name).join(', '));
  if (!output) throw new Error('cannot tell which model output holds the features; outputs: ' + outputs.map((o) => o.name).join(', '));
  let layout = want.layout;
  if (!layout) {
    if (input.type === 'uint8') layout = 'nhwc-uint8';
    else if (input.type === 'float32' && input.shape[1] === 3) layout = 'nchw-float32';
    else throw new Error('input ' + input.name + ' is ' + input.type + ' [' + input.shape.join(',') + ']; expected uint8 NHWC or float32 NCHW');
  }
  const expectedType = layout === 'nhwc-uint8' ? 'uint8' : 'float32';
  if (input.type !== expectedType) throw new Error('input ' + input.name + ' is ' + input.type + ' but layout ' + layout + ' needs ' + expectedType);
  return { input: input.name, output: output.name, layout, outputShape: output.shape, outputType: output.type };
}

async function createSession() {
  const failures = [];
  for (const ep of workerData.executionProviders) {
    try {
      const s = await ort.InferenceSession.create(workerData.modelPath, {
        executionProviders: [ep],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: workerData.intraOpNumThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        enableCpuMemArena: true,
        enableMemPattern: true,
        // A missing GPU provider is an expected, reported fallback: keep ORT from logging it as an error.
        logSeverityLevel: ep === 'cpu' ? 2 : 4,
      });
      return { session: s, executionProvider: ep, failures };
    } catch (e) {
      failures.push(ep + ': ' + (e && e.message ? e.message : String(e)));
    }
  }
  throw new Error(failures.join('; '));
}

function toNchwFloat(frames, n, h, w, scale, offset) {
  const plane = h * w;
  const out = new Float32Array(n * 3 * plane);
  for (let b = 0; b < n; b++) {
    const src = b * plane * 3;
    const dst = b * plane * 3;
    for (let c = 0; c < 3; c++) {
      const s = scale[c];
      const o = offset[c];
      const base = dst + c * plane;
      for (let p = 0; p < plane; p++) out[base + p] = frames[src + p * 3 + c] * s + o;
    }
  }
  return out;
}

async function run(msg) {
  const n = msg.count;
  const h = workerData.height;
  const w = workerData.width;
  // The buffer may be larger than this job (it is reused across jobs): view only its bytes.
  const frames = new Uint8Array(msg.frames, 0, msg.byteLength);
  const tensor =
    io.layout === 'nhwc-uint8'
      ? new ort.Tensor('uint8', frames, [n, h, w, 3])
      : new ort.Tensor('float32', toNchwFloat(frames, n, h, w, workerData.scale, workerData.offset), [n, 3, h, w]);
  const feeds = {};
  feeds[io.input] = tensor;
  const out = await session.run(feeds);
  const t = out[io.output];
  if (t.type !== 'float32') throw new Error('output ' + io.output + ' is ' + t.type + ', expected float32');
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  if (t.dims[0] !== n || per !== workerData.featureDim) {
    throw new Error('output ' + io.output + ' has shape [' + t.dims.join(',') + '], expected [' + n + ',' + workerData.featureDim + ']');
  }
  // Copy into a buffer we own so it can be transferred (the binding's buffer may not be detachable).
  const features = new Float32Array(t.data);
  for (const k of Object.keys(out)) if (typeof out[k].dispose === 'function') out[k].dispose();
  return features;
}

parentPort.on('message', (msg) => {
  if (msg.type !== 'run') return;
  run(msg).then(
    // The frames buffer goes back to the parent for the next job: fresh memory costs page faults.
    (features) =>
      parentPort.postMessage({ type: 'result', id: msg.id, features, frames: msg.frames }, [features.buffer, msg.frames]),
    (e) =>
      parentPort.postMessage(
        { type: 'error', id: msg.id, message: e && e.message ? e.message : String(e), frames: msg.frames },
        [msg.frames],
      ),
  );
});

createSession().then(
  (created) => {
    session = created.session;
    try {
      io = resolveIo(session);
    } catch (e) {
      parentPort.postMessage({ type: 'init-error', message: e.message, failures: created.failures });
      return;
    }
    parentPort.postMessage({ type: 'ready', executionProvider: created.executionProvider, failures: created.failures, io });
  },
  (e) => parentPort.postMessage({ type: 'init-error', message: e && e.message ? e.message : String(e), failures: [] }),
);
})();
`;
