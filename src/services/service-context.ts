/**
 * What the service modules share: the open project, the feature engines, the job runner, events.
 * core-services.ts builds one context and hands it to each domain's methods (project, ML, export),
 * so the contract's methods live in small files without a global.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FramewiseError } from '../errors.js';
import type { FeatureEngine } from '../features/types.js';
import { resolveVideoPath, type ProjectStore } from '../store/project-store.js';
import type { ProjectVideo } from '../store/schema.js';
import { proxyFileName } from '../video/proxy.js';
import type { JobRunner } from './jobs.js';
import type { ApiEvent, JobResult, ProjectSnapshot } from './contract.js';

export interface ServiceContext {
  emit(e: ApiEvent): void;
  readonly jobs: JobRunner;
  /** The open project, or a BAD_ARGUMENT error telling the person to open one. */
  requireStore(): ProjectStore;
  currentStore(): ProjectStore | null;
  setStore(store: ProjectStore): void;
  /** The feature engine for a backbone, loaded once and shared by every job. */
  engineFor(backboneId: string): Promise<FeatureEngine>;
  /** "onnxruntime-node … cpu (2 threads)" once an engine has loaded, else null. */
  featureBackend(): string | null;
  /** Why that engine is not the first choice (see SystemInfo.featureFallback), else null. */
  featureFallback(): string | null;
  snapshot(): Promise<ProjectSnapshot>;
  /** Builds the snapshot, pushes it as a 'project' event and returns it. */
  publishProject(): Promise<ProjectSnapshot>;
  /** Where app-wide state (the recent-projects list) lives; null: none is kept (tests, scripts). */
  readonly stateDir: string | null;
  /** Results of finished predict/caption/demo jobs of this session, by job id. */
  readonly results: Map<string, JobResult>;
  /** Stores a job's result and pushes it as a 'job.result' event. */
  publishResult(result: JobResult): void;
}

export function findVideo(store: ProjectStore, videoId: string): ProjectVideo {
  const v = store.project.videos.find((x) => x.id === videoId);
  if (!v) throw new FramewiseError('NOT_FOUND', `No video ${videoId} in the open project.`);
  return v;
}

/** The original file of a project video. */
export function videoFile(store: ProjectStore, videoId: string): string {
  return resolveVideoPath(store.paths, findVideo(store, videoId).path);
}

export function proxiesDir(store: ProjectStore): string {
  return store.paths.proxies;
}

/** The playable proxy of a video if one has been made, else null. */
export function proxyFile(store: ProjectStore, video: ProjectVideo): string | null {
  if (!video.contentHash) return null;
  const file = join(proxiesDir(store), proxyFileName(video.contentHash));
  return existsSync(file) ? file : null;
}

/** "clip.mp4" from any path, for labels and file names. */
export function fileBase(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
