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
  'jobs.cancel',
  'jobs.list',
] as const;

export function isApiMethod(m: string): m is ApiMethod {
  return (API_METHODS as readonly string[]).includes(m);
}

export type JobKind = 'extract';

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
  | { type: 'backend'; featureBackend: string };

/** The service object both transports wrap. */
export type Api = { [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResult<M>> };

/** What the renderer sees, whichever transport is underneath. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** URL the <video> element can play a project video from (custom protocol or /media route). */
  mediaUrl(videoId: string): string;
}
