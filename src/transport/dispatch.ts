/**
 * The one place a transport turns "(method name, untrusted args)" into a call on the core and an
 * envelope. Electron IPC and serve mode both use it, so a call behaves the same over either: same
 * validation, same error shape. No Electron or HTTP here.
 */
import { toFramewiseError, type ErrorCode } from '../errors.js';
import { HEAD_NAMES } from '../models/heads/registry.js';
import { isApiMethod, type Api, type ApiError, type ApiMethod, type ApiMethods } from '../services/contract.js';

export type ApiEnvelope<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiError };

type Args = Record<string, unknown>;
type Check = (a: Args) => string | null;

const str =
  (key: string, optional = false): Check =>
  (a) =>
    (optional && a[key] === undefined) || typeof a[key] === 'string' ? null : `"${key}" must be a string`;
const num =
  (key: string): Check =>
  (a) =>
    typeof a[key] === 'number' && Number.isFinite(a[key]) ? null : `"${key}" must be a finite number`;
/** An optional whole number within [min, max]. */
const intIn =
  (key: string, min: number, max: number): Check =>
  (a) => {
    const v = a[key];
    if (v === undefined) return null;
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? null
      : `"${key}" must be a whole number from ${min} to ${max}`;
  };
/** An optional finite number within [min, max]. */
const numIn =
  (key: string, min: number, max: number): Check =>
  (a) => {
    const v = a[key];
    if (v === undefined) return null;
    return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? null
      : `"${key}" must be a number from ${min} to ${max}`;
  };
/** An optional finite number strictly between min and max. */
const numBetween =
  (key: string, min: number, max: number): Check =>
  (a) => {
    const v = a[key];
    if (v === undefined) return null;
    return typeof v === 'number' && Number.isFinite(v) && v > min && v < max
      ? null
      : `"${key}" must be a number between ${min} and ${max} (not ${min} or ${max} themselves)`;
  };
const bool =
  (key: string, optional = false): Check =>
  (a) =>
    (optional && a[key] === undefined) || typeof a[key] === 'boolean' ? null : `"${key}" must be true or false`;
const oneOf =
  (key: string, values: readonly string[]): Check =>
  (a) =>
    typeof a[key] === 'string' && values.includes(a[key]) ? null : `"${key}" must be one of ${values.join(', ')}`;
const optOneOf =
  (key: string, values: readonly string[]): Check =>
  (a) =>
    a[key] === undefined ? null : oneOf(key, values)(a);
const strArray =
  (key: string, optional = false): Check =>
  (a) => {
    const v = a[key];
    if (optional && v === undefined) return null;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : `"${key}" must be an array of strings`;
  };
const obj =
  (key: string): Check =>
  (a) => {
    const v = a[key];
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? null : `"${key}" must be an object`;
  };
const objArray =
  (key: string): Check =>
  (a) => {
    const v = a[key];
    return Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))
      ? null
      : `"${key}" must be an array of objects`;
  };

/** Exactly one of path / text (a typed or chosen path, or the content of an uploaded file). */
const pathOrText: Check = (a) =>
  (a['path'] === undefined) === (a['text'] === undefined) ? 'give either "path" or "text"' : null;
const IMPORT_CHECKS: Check[] = [
  str('path', true),
  str('text', true),
  str('fileName', true),
  str('videoId', true),
  pathOrText,
];

/**
 * Shape checks for arguments arriving from the UI. The renderer is the less trusted side (a web
 * page in serve mode, a sandboxed renderer in Electron), so types are checked here before the core
 * sees them; the core still validates meaning (does the folder exist, is the project valid).
 * Keyed by ApiMethod so adding a method to the contract fails to compile until it is listed here.
 */
const ARG_CHECKS: { [M in keyof ApiMethods]: Check[] } = {
  'system.info': [],
  'project.create': [str('dir'), str('name')],
  'project.open': [str('dir')],
  'project.current': [],
  'project.recent': [],
  'project.save': [obj('project'), intIn('baseRevision', 0, Number.MAX_SAFE_INTEGER)],
  'project.addVideos': [strArray('paths')],
  'project.removeVideo': [str('videoId')],
  'project.restoreVideo': [obj('video'), objArray('segments'), intIn('index', 0, Number.MAX_SAFE_INTEGER)],
  'project.settingsCost': [obj('settings')],
  'video.probe': [str('path')],
  'video.thumbnail': [str('videoId'), num('timeSec'), num('width')],
  'video.filmstrip': [str('videoId'), intIn('count', 1, 64), num('width')],
  'video.frameTimes': [str('videoId')],
  'features.extract': [strArray('videoIds', true)],
  'training.start': [
    oneOf('head', HEAD_NAMES),
    intIn('hidden', 1, 4096),
    intIn('epochs', 1, 1000),
    intIn('clipLength', 1, 1024),
    str('name', true),
    bool('background', true),
    intIn('layers', 1, 3),
    bool('bidirectional', true),
    numIn('dropout', 0, 0.95),
    numBetween('lr', 0, 1),
    intIn('batchSize', 1, 4096),
    intIn('patience', 0, 10000),
    optOneOf('split', ['video', 'official']),
    numIn('valFraction', 0, 0.9),
    optOneOf('classWeights', ['none', 'balanced']),
    optOneOf('input', ['auto', 'absolute', 'relative']),
    intIn('seed', 0, Number.MAX_SAFE_INTEGER),
    bool('resume', true),
  ],
  'training.result': [str('jobId')],
  'training.runs': [],
  'models.list': [],
  'models.import': [str('path'), str('name', true), bool('addClasses', true)],
  'predict.start': [
    str('videoId'),
    str('modelName', true),
    numBetween('threshold', 0, 1),
    numIn('smoothingSec', 0, 3600),
    numIn('minDurationSec', 0, 3600),
  ],
  'captioning.train': [
    oneOf('cell', ['lstm', 'gru']),
    bool('attention', true),
    intIn('hidden', 1, 4096),
    intIn('epochs', 1, 1000),
    str('name', true),
  ],
  'captioning.run': [str('videoId'), str('captioner', true), numIn('windowSec', 0.1, 600)],
  'captioning.get': [str('videoId')],
  'video.proxy': [str('videoId')],
  'export.file': [
    oneOf('kind', [
      'predictions-csv',
      'predictions-json',
      'captions-srt',
      'captions-vtt',
      'model',
      'captioner',
      'model-onnx',
      'labels-csv',
      'labels-json',
      'features-npy',
    ]),
    str('videoId', true),
    str('name', true),
    str('destPath', true),
  ],
  'demo.create': [str('dir'), bool('train', true), bool('captioner', true)],
  'jobs.result': [str('jobId')],
  'jobs.cancel': [str('jobId')],
  'jobs.list': [],
  'project.versions': [],
  'project.restoreVersion': [str('id')],
  'project.relink': [str('folder')],
  'project.importPreview': IMPORT_CHECKS,
  'project.import': IMPORT_CHECKS,
  'models.evaluate': [str('name', true), optOneOf('split', ['val', 'test', 'all'])],
  'models.evaluations': [],
  'suggest.start': [str('modelName', true), intIn('limit', 1, 1000)],
  'predict.batch': [
    strArray('videoIds', true),
    str('modelName', true),
    numBetween('threshold', 0, 1),
    numIn('smoothingSec', 0, 3600),
    numIn('minDurationSec', 0, 3600),
  ],
  'captioning.batch': [strArray('videoIds', true), str('captioner', true), numIn('windowSec', 0.1, 600)],
};

/** Returns null when args fit the method, else a message naming the field at fault. */
export function checkArgs(method: ApiMethod, args: unknown): string | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'arguments must be a JSON object';
  for (const check of ARG_CHECKS[method]) {
    const problem = check(args as Args);
    if (problem) return problem;
  }
  return null;
}

function failure(code: ErrorCode, message: string): ApiEnvelope<never> {
  return { ok: false, error: { code, message } };
}

/** Calls `api[method](args)`; never throws: every failure becomes an `{ ok: false }` envelope. */
export async function dispatchApi(api: Api, method: string, args: unknown): Promise<ApiEnvelope> {
  if (!isApiMethod(method)) return failure('NOT_FOUND', `Unknown API method "${method}".`);
  const problem = checkArgs(method, args ?? {});
  if (problem) return failure('BAD_ARGUMENT', `Bad arguments for ${method}: ${problem}.`);
  try {
    // The contract's mapped type cannot correlate method and args for a dynamic name; checkArgs
    // above is what makes this cast safe.
    const fn = api[method] as (a: unknown) => Promise<unknown>;
    return { ok: true, result: await fn(args ?? {}) };
  } catch (e) {
    const err = toFramewiseError(e);
    return failure(err.code, err.message);
  }
}
