/**
 * The one contract between the UI and the core. Both transports carry exactly these calls and events:
 * Electron IPC (main/ + preload) and serve mode (HTTP POST /api/<method> + Server-Sent Events).
 * Adding a method here makes it available on both, and the type checker holds both ends to it.
 */
import type { ErrorCode } from '../errors.js';
import type { EvalSplit, ModelEvaluation } from '../eval/model-evaluation.js';
import type { RecentProject } from '../store/recent-types.js';
import type { ProjectVersion, RelinkResult } from '../store/safety-types.js';
import type { Project, ProjectSettings, ProjectVideo, Segment } from '../store/schema.js';
import type { VideoInfo } from '../video/types.js';
import type { CaptionResult, CaptionerTrainArgs } from './contract/captioning.js';
import type { ExportArgs, ExportResult } from './contract/export.js';
import type { JobRef, JobResult, JobState } from './contract/jobs.js';
import type {
  ImportArgs,
  ImportReport,
  ProjectExternalEvent,
  ProjectSnapshot,
  SettingsCost,
} from './contract/project.js';
import type { SystemInfo } from './contract/system.js';
import type {
  LocalizationArgs,
  ModelInfo,
  TrainingArgs,
  TrainingEpoch,
  TrainingRunInfo,
  TrainingSummary,
} from './contract/training.js';

export type { RecentProject, ProjectVersion, RelinkResult, EvalSplit, ModelEvaluation };
export type * from './contract/system.js';
export type * from './contract/project.js';
export type * from './contract/jobs.js';
export type * from './contract/training.js';
export type * from './contract/captioning.js';
export type * from './contract/export.js';

/** Method name → argument and result types. */
export interface ApiMethods {
  'system.info': { args: Record<string, never>; result: SystemInfo };
  'project.create': { args: { dir: string; name: string }; result: ProjectSnapshot };
  'project.open': { args: { dir: string }; result: ProjectSnapshot };
  'project.current': { args: Record<string, never>; result: ProjectSnapshot | null };
  /** Projects opened or created lately, newest first (empty where the host keeps no list). */
  'project.recent': { args: Record<string, never>; result: RecentProject[] };
  /** Saves the whole project; with `baseRevision`, fails with CONFLICT if it was saved since. */
  'project.save': { args: { project: Project; baseRevision?: number }; result: ProjectSnapshot };
  /** Adds videos by path (files, or folders scanned for videos); bad files are reported, not added. */
  'project.addVideos': {
    args: { paths: string[] };
    result: { snapshot: ProjectSnapshot; rejected: { path: string; code: ErrorCode; message: string }[] };
  };
  'project.removeVideo': { args: { videoId: string }; result: ProjectSnapshot };
  /**
   * Puts back a video removed with project.removeVideo (undo) with its id, segments and place in the
   * list. Its file is probed again: CONFLICT when it changed since or is in the project again.
   */
  'project.restoreVideo': {
    args: { video: ProjectVideo; segments: Segment[]; index?: number };
    result: ProjectSnapshot;
  };
  /**
   * Checks new settings against the project schema, the known backbones and streams (BAD_PROJECT,
   * BACKBONE_UNAVAILABLE, BAD_ARGUMENT) and says what applying them costs; saves nothing.
   */
  'project.settingsCost': { args: { settings: ProjectSettings }; result: SettingsCost };
  'video.probe': { args: { path: string }; result: VideoInfo };
  /** A JPEG thumbnail as base64, for the library and timeline filmstrip. */
  'video.thumbnail': {
    args: { videoId: string; timeSec: number; width: number };
    result: { mime: string; base64: string };
  };
  /** `count` JPEG thumbnails spread over the video (the timeline's filmstrip), in one call. */
  'video.filmstrip': {
    args: { videoId: string; count: number; width: number };
    result: { mime: string; times: number[]; images: string[] };
  };
  /**
   * When each frame is shown, for frame stepping: `times` (seconds from the first frame) only when
   * the frame rate varies, else null (1/fps is exact).
   */
  'video.frameTimes': { args: { videoId: string }; result: { variable: boolean; times: number[] | null } };
  'features.extract': { args: { videoIds?: string[] }; result: JobRef };
  /** Trains a head on the project's labelled segments as a job ('train'); see TrainingEpoch / TrainingSummary events. */
  'training.start': { args: TrainingArgs; result: JobRef };
  /** The summary of a finished training job of this session (also pushed as a 'training.result' event). */
  'training.result': { args: JobRef; result: TrainingSummary | null };
  /** Runs with a checkpoint (cancelled or finished), newest first: what Resume can continue, also after a restart. */
  'training.runs': { args: Record<string, never>; result: TrainingRunInfo[] };
  /** Trained action models and captioners of the open project, newest first. */
  'models.list': { args: Record<string, never>; result: ModelInfo[] };
  /**
   * Adds an action model or captioner exported by Framewise elsewhere (its ZIP, or that folder) to
   * the open project; MODEL_MISMATCH when its backbone, streams or feature size differ from the project's,
   * or it predicts classes the project lacks (unless `addClasses`); CONFLICT when `name` is taken.
   */
  'models.import': {
    args: { path: string; name?: string; addClasses?: boolean };
    result: { name: string; kind: 'classifier' | 'captioner'; addedClasses: string[]; snapshot: ProjectSnapshot };
  };
  /**
   * Runs a model (default the newest) on one project video as a job ('predict'); the segments are
   * stored as 'prediction' pre-labels and the PredictionResult arrives as a 'job.result' event.
   */
  'predict.start': { args: { videoId: string; modelName?: string } & LocalizationArgs; result: JobRef };
  /** Trains a captioner on the project's captioned segments as a job ('caption-train'). */
  'captioning.train': { args: CaptionerTrainArgs; result: JobRef };
  /**
   * Captions one video as a job ('caption'): per labelled segment when it has any (or `windowSec`
   * windows when given / when it has none). The result is kept in the project for playback and export.
   */
  'captioning.run': { args: { videoId: string; captioner?: string; windowSec?: number }; result: JobRef };
  /** The last generated captions of a video, or null. */
  'captioning.get': { args: { videoId: string }; result: CaptionResult | null };
  /** Makes an H.264 MP4 copy the player can play, as a job ('proxy'); the media URL then serves it. */
  'video.proxy': { args: { videoId: string }; result: JobRef };
  /**
   * Creates the demo project in `dir` (generated clips of three actions, labels, captions), extracts
   * features and trains a small LSTM (and a captioner), as a job ('demo'); then opens it.
   */
  'demo.create': { args: { dir: string; train?: boolean; captioner?: boolean }; result: JobRef };
  /**
   * Exports predictions, captions or a model. With `destPath` the file is written there (atomically)
   * and its path returned; without, its bytes come back (base64) for the page to offer as a download.
   */
  'export.file': { args: ExportArgs; result: ExportResult };
  /** The result of a finished predict / caption / caption-train / demo job of this session. */
  'jobs.result': { args: JobRef; result: JobResult | null };
  'jobs.cancel': { args: JobRef; result: { cancelled: boolean } };
  'jobs.list': { args: Record<string, never>; result: JobState[] };
  /** The kept earlier versions of the open project (backups/), newest first. */
  'project.versions': { args: Record<string, never>; result: ProjectVersion[] };
  /** Makes a kept version current, as a new save (the version it replaces is kept: undoable). */
  'project.restoreVersion': { args: { id: string }; result: ProjectSnapshot };
  /** Finds the project's missing videos in `folder` (searched recursively) by content hash. */
  'project.relink': { args: { folder: string }; result: RelinkResult & { snapshot: ProjectSnapshot } };
  /** What an import would add (segments, videos, classes) and its warnings; nothing is saved. */
  'project.importPreview': { args: ImportArgs; result: ImportReport };
  /** Imports labels (segment / LosslessCut / Kinetics CSV, class folders, caption JSON) in one save. */
  'project.import': { args: ImportArgs; result: ImportReport & { snapshot: ProjectSnapshot } };
  /**
   * Evaluates a saved model (default the newest) on the project's labelled videos as a job
   * ('evaluate'): its validation videos, the official test split, or all; the report is kept with
   * the model (eval.json) and read back with models.evaluations.
   */
  'models.evaluate': { args: { name?: string; split?: EvalSplit }; result: JobRef };
  /** The stored evaluation reports of the project's models, newest model first. */
  'models.evaluations': { args: Record<string, never>; result: ModelEvaluation[] };
  /**
   * Active learning ("label next") as a cancelable job ('suggest'): the unlabelled stretches a model
   * (default the newest) is least sure of, most uncertain first, as `framewise suggest`; the list
   * comes as its job result (kind 'suggest'). Features are extracted first where a video has none.
   */
  'suggest.start': { args: { modelName?: string; limit?: number }; result: JobRef };
  /**
   * Predicts every project video (or `videoIds`) with one model as one cancelable job
   * ('predict-batch'); each video's segments are stored as 'prediction' pre-labels when it is done.
   */
  'predict.batch': { args: { videoIds?: string[]; modelName?: string } & LocalizationArgs; result: JobRef };
  /**
   * Captions every project video (or `videoIds`) with one captioner (default the newest) as one
   * cancelable job ('caption-batch'), as captioning.run does for one; each video's captions are kept
   * when it is done, so a cancel keeps those already made.
   */
  'captioning.batch': { args: { videoIds?: string[]; captioner?: string; windowSec?: number }; result: JobRef };
}

export type ApiMethod = keyof ApiMethods;

export type ApiArgs<M extends ApiMethod> = ApiMethods[M]['args'];

export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

export const API_METHODS: readonly ApiMethod[] = [
  'system.info',
  'project.create',
  'project.open',
  'project.current',
  'project.recent',
  'project.save',
  'project.addVideos',
  'project.removeVideo',
  'project.restoreVideo',
  'project.settingsCost',
  'video.probe',
  'video.thumbnail',
  'video.filmstrip',
  'video.frameTimes',
  'features.extract',
  'training.start',
  'training.result',
  'training.runs',
  'models.list',
  'models.import',
  'predict.start',
  'captioning.train',
  'captioning.run',
  'captioning.get',
  'video.proxy',
  'demo.create',
  'export.file',
  'jobs.result',
  'jobs.cancel',
  'jobs.list',
  'project.versions',
  'project.restoreVersion',
  'project.relink',
  'project.importPreview',
  'project.import',
  'models.evaluate',
  'models.evaluations',
  'suggest.start',
  'predict.batch',
  'captioning.batch',
] as const;

export function isApiMethod(m: string): m is ApiMethod {
  return (API_METHODS as readonly string[]).includes(m);
}

/** Events pushed from the core to the UI. */
export type ApiEvent =
  | { type: 'job'; job: JobState }
  | { type: 'project'; snapshot: ProjectSnapshot }
  | { type: 'backend'; featureBackend: string; featureFallback: string | null }
  | { type: 'training'; jobId: string; epoch: TrainingEpoch }
  | { type: 'training.result'; result: TrainingSummary }
  | { type: 'job.result'; result: JobResult }
  | ProjectExternalEvent;

/** The service object both transports wrap. */
export type Api = { [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResult<M>> };

/** What the renderer sees, whichever transport is underneath. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** URL the <video> element can play a project video from (custom protocol or /media route). */
  mediaUrl(videoId: string): string;
}
