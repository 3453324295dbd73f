/**
 * One place that decides which TensorFlow.js backend the sequence models run on.
 *
 * Order: tfjs-node-gpu → tfjs-node → wasm (SIMD, single-threaded). The two native packages are not
 * dependencies; they are picked up at run time when a user has installed them. The plain-JS 'cpu'
 * backend is ~10-50× slower than wasm for our shapes and is never chosen silently: only when asked
 * for by name (tests that compare against it).
 *
 * tf is a process-wide singleton and the CNN reference engine may already have set up wasm, so
 * initBackend is idempotent and reuses a backend that is already registered and initialised.
 *
 * Threads: the tfjs wasm threaded build does not start under Node (tfjs-backend-wasm hard-codes
 * WASM_HAS_MULTITHREAD_SUPPORT=false for Node, tfjs issue #3830; forcing the flag makes the backend
 * fail to initialise — checked with 4.22 on Node 20), so wasm runs single-threaded in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { FramewiseError } from '../errors.js';

export type BackendPreference = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** tfjs backend name: 'tensorflow' (tfjs-node / tfjs-node-gpu), 'wasm' or 'cpu'. */
  name: string;
  /** Human-readable line for the "backend: …" indicator. */
  detail: string;
}

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/** Initialises (once) and returns the backend the models run on. Safe to call many times. */
export function initBackend(prefer: BackendPreference = 'auto'): Promise<BackendInfo> {
  if (current && matches(current, prefer) && tf.getBackend() === current.name) return Promise.resolve(current);
  // Serialise concurrent callers so two inits never race on tf.setBackend.
  const run = (pending ?? Promise.resolve(undefined as unknown as BackendInfo))
    .catch(() => undefined)
    .then(() => doInit(prefer));
  pending = run;
  return run;
}

/** The backend chosen by the last successful initBackend, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

function matches(info: BackendInfo, prefer: BackendPreference): boolean {
  if (prefer === 'auto') return info.name !== 'cpu';
  if (prefer === 'tensorflow-gpu') return info.name === 'tensorflow' && info.detail.includes('GPU');
  return info.name === prefer;
}

async function doInit(prefer: BackendPreference): Promise<BackendInfo> {
  if (current && matches(current, prefer) && tf.getBackend() === current.name) return current;
  const tried: string[] = [];
  const attempts: Array<() => Promise<BackendInfo | undefined>> = [];
  if (prefer === 'auto' || prefer === 'tensorflow-gpu')
    attempts.push(() => tryNative('@tensorflow/tfjs-node-gpu', tried));
  if (prefer === 'auto' || prefer === 'tensorflow') attempts.push(() => tryNative('@tensorflow/tfjs-node', tried));
  if (prefer === 'auto' || prefer === 'wasm') attempts.push(() => tryWasm(tried));
  if (prefer === 'cpu') attempts.push(() => tryCpu(tried));
  for (const attempt of attempts) {
    const info = await attempt();
    if (info) {
      current = info;
      return info;
    }
  }
  throw new FramewiseError(
    'BACKBONE_UNAVAILABLE',
    `No usable TensorFlow.js backend for the sequence models (tried: ${tried.join('; ')}).`,
    { details: { tried } },
  );
}

async function tryNative(pkg: string, tried: string[]): Promise<BackendInfo | undefined> {
  try {
    // A variable specifier keeps bundlers and tsc from resolving the optional package.
    const spec: string = pkg;
    await import(spec);
    if (!tf.findBackend('tensorflow')) throw new Error('package loaded but registered no "tensorflow" backend');
    if (!(await tf.setBackend('tensorflow'))) throw new Error('backend failed to initialise');
    await tf.ready();
    const gpu = pkg.endsWith('-gpu');
    return { name: 'tensorflow', detail: `TensorFlow native (${gpu ? 'GPU, ' : ''}${pkg})` };
  } catch (e) {
    tried.push(`${pkg}: ${shortReason(e)}`);
    return undefined;
  }
}

function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep;
}

async function tryWasm(tried: string[]): Promise<BackendInfo | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (tf.getBackend() !== 'wasm') {
      try {
        // Throws when another module already initialised wasm; that instance is fine to reuse.
        wasm.setWasmPaths(wasmDistDir());
      } catch {
        /* already initialised */
      }
      if (!(await tf.setBackend('wasm'))) throw new Error('backend failed to initialise');
    }
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    let threads = 1;
    try {
      threads = wasm.getThreadsCount();
    } catch {
      /* older builds */
    }
    return {
      name: 'wasm',
      detail: `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`,
    };
  } catch (e) {
    tried.push(`@tensorflow/tfjs-backend-wasm: ${shortReason(e)}`);
    return undefined;
  }
}

async function tryCpu(tried: string[]): Promise<BackendInfo | undefined> {
  try {
    if (!(await tf.setBackend('cpu'))) throw new Error('backend failed to initialise');
    await tf.ready();
    return { name: 'cpu', detail: 'plain JavaScript (slow; explicitly requested)' };
  } catch (e) {
    tried.push(`cpu: ${shortReason(e)}`);
    return undefined;
  }
}

function shortReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(msg)) return 'not installed';
  return msg.split('\n')[0]!.slice(0, 200);
}
