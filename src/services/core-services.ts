/**
 * The core services behind the contract. Transport-agnostic: Electron IPC (main/) and serve mode
 * (src/serve) both wrap the `api` object returned here and forward `emit`ted events. The methods
 * live per domain (project-, ml-, export-services); this file owns the shared state they use.
 */
import { FramewiseError } from '../errors.js';
import { createFeatureEngine, fallbackReasons, fallbackText } from '../features/engines/select.js';
import type { FeatureEngine } from '../features/types.js';
import { projectCacheFile } from '../project/video-features.js';
import { readFeatureHeader } from '../features/feature-file.js';
import { resolveVideoPath, type ProjectStore } from '../store/project-store.js';
import { JobRunner } from './jobs.js';
import type { Api, ApiEvent, JobResult, ProjectSnapshot } from './contract.js';
import { proxyFile, type ServiceContext } from './service-context.js';
import { watchForOtherSaves } from './external-saves.js';
import { projectServices, videoPlayability } from './project-services.js';
import { mlServices } from './ml-services.js';
import { exportServices } from './export-services.js';
import { demoServices } from './demo-services.js';
import { importServices } from './import-services.js';
import { evalServices } from './eval-services.js';
import { batchServices } from './batch-services.js';
import { settingsServices } from './settings-services.js';
import { restoreServices } from './restore-services.js';

export interface CoreServices {
  api: Api;
  /**
   * Absolute path of the file the player should stream for a video of the open project (its
   * playable proxy when one exists), or null: the media routes serve nothing else.
   */
  resolveMedia(videoId: string): string | null;
  /** Folder of the open project, or null. */
  projectRoot(): string | null;
  /** Waits for a job to settle (tests, CLI). */
  waitForJob(jobId: string): ReturnType<JobRunner['wait']>;
  dispose(): Promise<void>;
}

export interface CoreServicesOptions {
  transport: 'electron' | 'serve';
  emit: (e: ApiEvent) => void;
  /**
   * App-wide state folder (recent projects). The desktop app and `framewise serve` pass one;
   * without it nothing is written outside the projects.
   */
  stateDir?: string;
  /** Lets tests inject a fake or preloaded engine. */
  engineFactory?: (backboneId: string) => Promise<FeatureEngine>;
}

export function createCoreServices(opts: CoreServicesOptions): CoreServices {
  const { emit } = opts;
  let store: ProjectStore | null = null;
  let unwatch = (): void => undefined;
  const engines = new Map<string, Promise<FeatureEngine>>();
  let featureBackend: string | null = null;
  let featureFallback: string | null = null;
  const jobs = new JobRunner((job) => emit({ type: 'job', job }));
  const results = new Map<string, JobResult>();

  const engineFor = (backboneId: string): Promise<FeatureEngine> => {
    const existing = engines.get(backboneId);
    if (existing) return existing;
    const failures: string[] = [];
    const create =
      opts.engineFactory ??
      ((id: string) =>
        createFeatureEngine(id, { onFallback: (kind, err) => void failures.push(fallbackText(kind, err)) }));
    const loading = create(backboneId).then((engine) => {
      featureBackend = engine.backend;
      const reasons = fallbackReasons(failures, engine);
      featureFallback = reasons.length ? reasons.join('; ') : null;
      emit({ type: 'backend', featureBackend, featureFallback });
      return engine;
    });
    // A failed load is not cached: the next call tries again (e.g. after the user fixes the cause).
    loading.catch(() => engines.delete(backboneId));
    engines.set(backboneId, loading);
    return loading;
  };

  const requireStore = (): ProjectStore => {
    if (!store) throw new FramewiseError('BAD_ARGUMENT', 'No project is open. Create or open a project first.');
    return store;
  };

  const snapshot = async (): Promise<ProjectSnapshot> => {
    const s = requireStore();
    const features: ProjectSnapshot['features'] = {};
    const playback: ProjectSnapshot['playback'] = {};
    // Only report cache state for an engine already loaded: loading one just to list videos would be slow.
    const loaded = engines.get(s.project.settings.backboneId);
    const engine = loaded ? await loaded.catch(() => null) : null;
    for (const v of s.project.videos) {
      const file = engine ? projectCacheFile(s, v, engine) : null;
      const header = file ? await readFeatureHeader(file).catch(() => null) : null;
      features[v.id] = header ? { cached: true, frames: header.header.count } : { cached: false };
      playback[v.id] = { ...videoPlayability(v), proxy: proxyFile(s, v) !== null };
    }
    return { root: s.paths.root, project: s.project, revision: s.revision, features, playback };
  };

  const ctx: ServiceContext = {
    emit,
    stateDir: opts.stateDir ?? null,
    jobs,
    results,
    requireStore,
    currentStore: () => store,
    setStore: (s) => {
      unwatch();
      store = s;
      unwatch = watchForOtherSaves(s, emit, () => void ctx.publishProject().catch(() => undefined));
    },
    engineFor,
    featureBackend: () => featureBackend,
    featureFallback: () => featureFallback,
    snapshot,
    publishProject: async () => {
      const snap = await snapshot();
      emit({ type: 'project', snapshot: snap });
      return snap;
    },
    publishResult: (result) => {
      results.set(result.jobId, result);
      emit({ type: 'job.result', result });
    },
  };

  const api: Api = {
    ...projectServices(ctx, opts.transport),
    ...mlServices(ctx),
    ...exportServices(ctx),
    ...demoServices(ctx),
    ...importServices(ctx),
    ...evalServices(ctx),
    ...batchServices(ctx),
    ...settingsServices(ctx),
    ...restoreServices(ctx),
    'jobs.result': async ({ jobId }) => results.get(jobId) ?? null,
    'jobs.cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'jobs.list': async () => jobs.list(),
  };

  const resolveMedia = (videoId: string): string | null => {
    const v = store?.project.videos.find((x) => x.id === videoId);
    if (!store || !v) return null;
    return proxyFile(store, v) ?? resolveVideoPath(store.paths, v.path);
  };

  return {
    api,
    resolveMedia,
    projectRoot: () => store?.paths.root ?? null,
    waitForJob: (jobId) => jobs.wait(jobId),
    dispose: async () => {
      unwatch();
      await jobs.cancelAll();
      for (const p of engines.values()) await (await p.catch(() => null))?.dispose();
      engines.clear();
    },
  };
}
