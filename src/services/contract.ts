/**
 * The one contract between the UI and the core. Both transports carry exactly these calls and events:
 * Electron IPC (main/ + preload) and serve mode (HTTP POST /api/<method> + Server-Sent Events).
 * Adding a method here makes it available on both, and the type checker holds both ends to it.
 */
import type { VideoInfo } from '../video/types.js';
import type { Project } from '../store/schema.js';
import type { ErrorCode } from '../errors.js';

export interface SystemInfo {
  version: string;
  /** e.g. "onnxruntime-node 1.30.0 cpu (2 threads)"; null until the engine has been loaded once. */
  featureBackend: string | null;
  ffmpeg: { path: string; source: string; version: string } | { error: string };
  platform: string;
  transport: 'electron' | 'serve';
}

export interface ProjectSnapshot {
  root: string;
  project: Project;
  /** Per video: whether features for the project settings are cached. */
  features: Record<string, { cached: boolean; frames?: number }>;
}

export interface JobRef {
  jobId: string;
}

/** Method name → argument and result types. */
export interface ApiMethods {
  'system.info': { args: Record<string, never>; result: SystemInfo };
  'project.create': { args: { dir: string; name: string }; result: ProjectSnapshot };
  'project.open': { args: { dir: string }; result: ProjectSnapshot };
  'project.current': { args: Record<string, never>; result: ProjectSnapshot | null };
  'project.save': { args: { project: Project }; result: ProjectSnapshot };
  /** Adds videos by path (files, or folders scanned for videos); bad files are reported, not added. */
  'project.addVideos': {
    args: { paths: string[] };
    result: { snapshot: ProjectSnapshot; rejected: { path: string; code: ErrorCode; message: string }[] };
  };
  'project.removeVideo': { args: { videoId: string }; result: ProjectSnapshot };
  'video.probe': { args: { path: string }; result: VideoInfo };
  /** A JPEG thumbnail as base64, for the library and timeline filmstrip. */
  'video.thumbnail': {
    args: { videoId: string; timeSec: number; width: number };
    result: { mime: string; base64: string };
  };
  'features.extract': { args: { videoIds?: string[] }; result: JobRef };
  /** Trains a head on the project's labelled segments as a job ('train'); see TrainingEpoch / TrainingSummary events. */
  'training.start': { args: TrainingArgs; result: JobRef };
  /** The summary of a finished training job of this session (also pushed as a 'training.result' event). */
  'training.result': { args: JobRef; result: TrainingSummary | null };
  /** Runs the newest model on one project video; the segments are also stored as 'prediction' pre-labels. */
  'predict.run': { args: { videoId: string }; result: PredictionResult };
  /** The video's stored 'prediction' segments as CSV (video,start,end,label,score). */
  'export.predictionsCsv': { args: { videoId: string }; result: { fileName: string; csv: string } };
  'jobs.cancel': { args: JobRef; result: { cancelled: boolean } };
  'jobs.list': { args: Record<string, never>; result: JobState[] };
}

export type ApiMethod = keyof ApiMethods;
export type ApiArgs<M extends ApiMethod> = ApiMethods[M]['args'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

export const API_METHODS: readonly ApiMethod[] = [
  'system.info',
  'project.create',
  'project.open',
  'project.current',
  'project.save',
  'project.addVideos',
  'project.removeVideo',
  'video.probe',
  'video.thumbnail',
  'features.extract',
  'training.start',
  'training.result',
  'predict.run',
  'export.predictionsCsv',
  'jobs.cancel',
  'jobs.list',
] as const;

export function isApiMethod(m: string): m is ApiMethod {
  return (API_METHODS as readonly string[]).includes(m);
}

export type JobKind = 'extract' | 'train';

export type TrainingHead = 'lstm' | 'gru' | 'mean';

export interface TrainingArgs {
  head: TrainingHead;
  /** Units per recurrent layer (hidden width of the mean baseline); default 256. */
  hidden?: number;
  epochs?: number;
  /** Frames per clip; default the project's settings.clipLength. */
  clipLength?: number;
  /** Model folder name under <project>/models; default a timestamp. */
  name?: string;
}

/** One finished epoch of a training job, for live curves. */
export interface TrainingEpoch {
  /** 1-based. */
  epoch: number;
  epochs: number;
  loss: number;
  acc: number;
  valLoss: number | null;
  valAcc: number | null;
}

export interface TrainingSummary {
  jobId: string;
  modelName: string;
  history: TrainingEpoch[];
  classes: { id: string; name: string }[];
  /** On held-out videos; null when there were too few videos to hold any out. */
  validation: { top1: number; confusion: number[][] } | null;
  seconds: number;
  warnings: string[];
}

export interface PredictionResult {
  videoId: string;
  modelName: string;
  durationSec: number;
  top: { classId: string; label: string; score: number }[];
  segments: { start: number; end: number; classId: string; label: string; score: number }[];
  curves: { times: number[]; classes: { label: string; probabilities: number[] }[] };
}

export interface JobState {
  jobId: string;
  kind: JobKind;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  label: string;
  done: number;
  total: number;
  /** Items (frames) per second. */
  rate: number;
  etaSec: number | null;
  message?: string;
  error?: ApiError;
}

export interface ApiError {
  code: ErrorCode;
  message: string;
}

/** Events pushed from the core to the UI. */
export type ApiEvent =
  | { type: 'job'; job: JobState }
  | { type: 'project'; snapshot: ProjectSnapshot }
  | { type: 'backend'; featureBackend: string }
  | { type: 'training'; jobId: string; epoch: TrainingEpoch }
  | { type: 'training.result'; result: TrainingSummary };

/** The service object both transports wrap. */
export type Api = { [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResult<M>> };

/** What the renderer sees, whichever transport is underneath. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** URL the <video> element can play a project video from (custom protocol or /media route). */
  mediaUrl(videoId: string): string;
}
