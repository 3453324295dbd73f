/**
 * The one contract between the UI and the core. Both transports carry exactly these calls and events:
 * Electron IPC (main/ + preload) and serve mode (HTTP POST /api/<method> + Server-Sent Events).
 * Adding a method here makes it available on both, and the type checker holds both ends to it.
 */
import type { VideoInfo } from '../video/types.js';
import type { Project, ProjectSettings, ProjectVideo, Segment } from '../store/schema.js';
import type { ErrorCode } from '../errors.js';
import type { HeadName } from '../models/heads/registry.js';
import type { RecentProject } from '../store/recent-types.js';
import type { ProjectVersion, RelinkResult } from '../store/safety-types.js';
import type { EvalSplit, ModelEvaluation } from '../eval/model-evaluation.js';

export type { RecentProject, ProjectVersion, RelinkResult, EvalSplit, ModelEvaluation };

export interface SystemInfo {
  version: string;
  /** e.g. "onnxruntime-node 1.30.0 cpu (2 threads)"; null until the engine has been loaded once. */
  featureBackend: string | null;
  /**
   * Why extraction runs where it does when that is not the first choice ("cuda unavailable: …"):
   * shown with the backend; null when the preferred provider ran or no engine has loaded yet.
   */
  featureFallback: string | null;
  ffmpeg: { path: string; source: string; version: string } | { error: string };
  platform: string;
  transport: 'electron' | 'serve';
  /** Where "Try a demo project" suggests creating it (in the user's home folder). */
  demoDir: string;
  /** The frame backbones a project can use (models/*.json and user manifests). */
  backbones: BackboneSummary[];
  /** The feature streams a project can add next to the backbone's appearance vector, e.g. "motion". */
  streams: string[];
}

/** What changing the project settings would cost (project.settingsCost), before it is applied. */
export interface SettingsCost {
  videos: number;
  /**
   * Videos with no cached features at the new fps / backbone / streams: the next training or
   * prediction extracts them (caches of earlier settings are kept, so going back is free).
   */
  toExtract: number;
  /** Whether the change touches what the features are made of (fps, backbone or streams). */
  featuresChange: boolean;
}

export interface BackboneSummary {
  id: string;
  name: string;
  featureDim: number;
  /** Stored in int8 (faster; onnxruntime only). */
  int8: boolean;
  /** The one new projects start with. */
  isDefault: boolean;
}

export interface ProjectSnapshot {
  root: string;
  project: Project;
  /**
   * Increases with every save of the project; project.save refuses a change made on an older one
   * (another window or a job saved in between) instead of silently overwriting it.
   */
  revision: number;
  /** Per video: whether features for the project settings are cached. */
  features: Record<string, { cached: boolean; frames?: number }>;
  /** Per video: whether the app's player can play it, and whether a playable proxy exists. */
  playback: Record<string, { playable: boolean; reason?: string; proxy: boolean }>;
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
] as const;

export function isApiMethod(m: string): m is ApiMethod {
  return (API_METHODS as readonly string[]).includes(m);
}

export type JobKind =
  | 'extract'
  | 'train'
  | 'predict'
  | 'caption-train'
  | 'caption'
  | 'proxy'
  | 'demo'
  | 'evaluate'
  | 'predict-batch'
  | 'suggest';

/** A head by the name a person picks (models/heads/registry.ts lists them). */
export type TrainingHead = HeadName;

export interface TrainingArgs {
  head: TrainingHead;
  /** Units per recurrent layer (hidden width of the mean baseline); default 256. */
  hidden?: number;
  epochs?: number;
  /** Frames per clip; default the project's settings.clipLength. */
  clipLength?: number;
  /** Model folder name under <project>/models; default a timestamp. */
  name?: string;
  /**
   * Train the unlabelled time inside labelled videos as a "no action" class (default true), so that
   * prediction leaves what is none of the classes unlabelled.
   */
  background?: boolean;
  /** Stacked recurrent layers, 1–3 (default 1). */
  layers?: number;
  bidirectional?: boolean;
  /** Dropout between layers and on the pooled output, 0 to <1 (default 0.2). */
  dropout?: number;
  /** Adam's learning rate (default 0.001). */
  lr?: number;
  /** Clips per batch (default: from the number of clips, 4 to 32). */
  batchSize?: number;
  /** Early stopping after this many epochs without a better validation loss (0 = off; default 5). */
  patience?: number;
  /**
   * Validation split: 'video' (default; `valFraction` of the videos, at random, default 0.2) or
   * 'official' (the videos the dataset marks as test, e.g. UCF101's testlist).
   */
  split?: 'video' | 'official';
  valFraction?: number;
  /** 'balanced': weight each class's loss by its inverse frequency (default 'none'). */
  classWeights?: 'none' | 'balanced';
  /**
   * 'relative': each clip less its own mean over time (what changes in it, not how it looks);
   * 'auto' (default) chooses by two short probes on the validation split; 'absolute' as before.
   */
  input?: 'auto' | 'absolute' | 'relative';
  seed?: number;
  /** Continue the run named `name` from its last checkpoint (a cancelled or finished run). */
  resume?: boolean;
}

/** A training run that can be resumed (services/training-runs.ts). */
export interface TrainingRunInfo {
  name: string;
  /** What it was started with; resuming passes these again with `resume: true`. */
  args: TrainingArgs;
  /** Epochs its checkpoint has done. */
  epochsDone: number;
  /** When its checkpoint was written. */
  savedAt: string;
  /** Whether it ran to the end (a saved model); a cancelled run has only its checkpoint. */
  finished: boolean;
}

/** One finished epoch of a training job, for live curves. */
export interface TrainingEpoch {
  /** 1-based. */
  epoch: number;
  epochs: number;
  loss: number;
  /** Training accuracy; null for captioners (token accuracy says little about sentences). */
  acc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  /** Captioners: validation BLEU-4 when computed this epoch. */
  bleu4?: number;
}

export interface TrainingSummary {
  jobId: string;
  modelName: string;
  history: TrainingEpoch[];
  /** In the model's order (the confusion's); `background` marks the "no action" class. */
  classes: { id: string; name: string; background?: boolean }[];
  /**
   * On held-out videos; null when there were too few videos to hold any out. `missingClasses`: the
   * trained classes the validation videos lack, by name; when any, top-1 covers only the others.
   */
  validation: { top1: number; confusion: number[][]; missingClasses: string[] } | null;
  seconds: number;
  warnings: string[];
  /** The input the model was trained on and why ("validation top-1 0.88 relative vs 0.25 absolute …"). */
  input: { kind: 'absolute' | 'relative'; reason: string };
}

/** How predict.start turns probability curves into segments (as the CLI's predict flags). */
export interface LocalizationArgs {
  /** Per-frame probability that starts a segment, between 0 and 1 (default 0.5). */
  threshold?: number;
  /** Moving-average width over the curves in seconds (default half the model's clip). */
  smoothingSec?: number;
  /** Segments shorter than this many seconds are dropped (default 0). */
  minDurationSec?: number;
}

export interface PredictionResult {
  videoId: string;
  modelName: string;
  durationSec: number;
  top: { classId: string; label: string; score: number }[];
  segments: { start: number; end: number; classId: string; label: string; score: number }[];
  curves: { times: number[]; classes: { label: string; probabilities: number[] }[] };
}

export interface ModelInfo {
  name: string;
  kind: 'classifier' | 'captioner';
  createdAt: string;
  /** One line for a list, e.g. "LSTM 256 · 3 classes · 16 frames". */
  summary: string;
  classes?: string[];
  /** Classifiers: frames per clip and sampling rate (the default smoothing is half a clip). */
  clipLength?: number;
  fps?: number;
}

export interface CaptionerTrainArgs {
  cell: 'lstm' | 'gru';
  attention?: boolean;
  hidden?: number;
  epochs?: number;
  name?: string;
}

export interface CaptionerSummary {
  jobId: string;
  name: string;
  history: TrainingEpoch[];
  /** Greedy-decoding scores on held-out segments; null when too few videos to hold any out. */
  validation: { bleu4: number; ciderD: number } | null;
  seconds: number;
  warnings: string[];
}

export interface CaptionResult {
  videoId: string;
  captioner: string;
  createdAt: string;
  captions: { start: number; end: number; text: string }[];
}

export type ExportKind =
  'predictions-csv' | 'predictions-json' | 'captions-srt' | 'captions-vtt' | 'model' | 'captioner' | ToolExportKind;

/**
 * For other tools: a ZIP of <model>.onnx + <model>.json (as `framewise export`), the user's labels
 * as CSV or ActivityNet-style JSON (every caption), a video's cached features as NPY (float32 [frames, dim], as `framewise extract --npy`).
 */
export type ToolExportKind = 'model-onnx' | 'labels-csv' | 'labels-json' | 'features-npy';

export interface ExportArgs {
  kind: ExportKind;
  /** Predictions and captions: the video (predictions of every video when omitted). */
  videoId?: string;
  /** model / captioner: which one (default the newest). */
  name?: string;
  /** Absolute path of the file to write; omitted: the bytes are returned instead. */
  destPath?: string;
}

export interface ExportResult {
  fileName: string;
  mime: string;
  bytes: number;
  /** Where the file was written (with destPath), else null. */
  path: string | null;
  /** The content, base64 (without destPath), else null. */
  base64: string | null;
}

export interface DemoResult {
  root: string;
  videos: number;
  segments: number;
  classes: string[];
  modelName: string | null;
  validationTop1: number | null;
  captionerName: string | null;
  seconds: number;
}

export type JobResult =
  | { kind: 'predict'; jobId: string; prediction: PredictionResult }
  | { kind: 'caption'; jobId: string; captions: CaptionResult }
  | { kind: 'caption-train'; jobId: string; summary: CaptionerSummary }
  | { kind: 'demo'; jobId: string; demo: DemoResult }
  | { kind: 'suggest'; jobId: string; modelName: string; suggestions: LabelSuggestion[] };

export interface JobState {
  jobId: string;
  kind: JobKind;
  /** The project video a predict / caption / proxy job works on. */
  videoId?: string;
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

/**
 * A label file or folder to import: `path` on the core's machine (a CSV, a caption JSON, or a
 * `root/<class>/<video>` folder tree), or `text`, the content of a file the page read (serve mode:
 * a browser never tells the page where a chosen file lives), named by `fileName` (.json = captions).
 */
export interface ImportArgs {
  path?: string;
  text?: string;
  fileName?: string;
  /** LosslessCut-style `start,end,label` CSV: the project video its rows belong to. */
  videoId?: string;
}

/** 'activitynet-labels': segments with labels and captions in ActivityNet's `database` layout (Framewise's labels JSON). */
export type ImportFormat =
  'segment-csv' | 'losslesscut-csv' | 'kinetics-csv' | 'class-folders' | 'activitynet-labels' | CaptionFormat;
type CaptionFormat = 'msrvtt' | 'msvd' | 'activitynet';

export interface ImportReport {
  format: ImportFormat;
  /** How many segments are (or would be) added; `segments` lists the first 500 of them. */
  segmentCount: number;
  segments: { file: string; start: number; end: number; label: string | null; caption?: string }[];
  /** File paths of videos not yet in the project that the import adds. */
  newVideos: string[];
  newClasses: string[];
  /** With an official split (UCF101 testlist): imported videos per part. */
  split: { train: number; test: number } | null;
  /** What will not be imported or was read differently, for a person (unmatched rows, ambiguity, …). */
  warnings: string[];
}

export interface LabelSuggestion {
  videoId: string;
  start: number;
  end: number;
  /** Entropy of the model's class distribution over the window, 0 (sure) to 1 (no idea). */
  uncertainty: number;
  /** The model's three likeliest classes there. */
  top: { classId: string; label: string; probability: number }[];
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

/**
 * Another program (the CLI, a second app) saved the open project; its version is now loaded (a
 * 'project' event with the new snapshot follows). `refused`: a save of this session was refused
 * because of it (CONFLICT) and should be repeated on the new version.
 */
export interface ProjectExternalEvent {
  type: 'project.external';
  revision: number;
  previous: number;
  refused: boolean;
  message: string;
}

/** The service object both transports wrap. */
export type Api = { [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResult<M>> };

/** What the renderer sees, whichever transport is underneath. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** URL the <video> element can play a project video from (custom protocol or /media route). */
  mediaUrl(videoId: string): string;
}
