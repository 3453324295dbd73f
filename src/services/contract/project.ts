/**
 * Projects in the contract: snapshots, the cost of new settings, label imports, saves by other
 * programs. Part of the one contract (../contract.ts).
 */
import type { Project } from '../../store/schema.js';

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
