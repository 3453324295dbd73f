/**
 * The project file format (project.json) and its validation. Hand-written validation instead of a
 * schema library: the format is small, and hand-written checks give messages that name the exact
 * field at fault ("segments[3].end must be greater than start"), which is what a user needs.
 */
import { FramewiseError } from '../errors.js';
import { DEFAULT_BACKBONE_ID } from '../features/backbones/default-id.js';

export const PROJECT_FORMAT_VERSION = 1;

export interface ProjectVideo {
  id: string;
  /** Absolute path, or relative to the project folder. */
  path: string;
  /** Content hash (sha256 of size + sampled bytes); keys the feature cache. */
  contentHash?: string;
  durationSec?: number;
  fps?: number;
  width?: number;
  height?: number;
  codec?: string;
  /** ffprobe's format name ("mov,mp4,m4a,3gp,3g2,mj2", "avi"…) and pixel format: decide playability. */
  container?: string;
  pixelFormat?: string;
  addedAt: string;
  /** The dataset's official split (UCF101 testlist): 'test' videos are held out of training. */
  split?: 'train' | 'test';
}

export interface ProjectClass {
  id: string;
  name: string;
  color: string;
}

export interface Segment {
  id: string;
  videoId: string;
  start: number;
  end: number;
  classId: string | null;
  captions: string[];
  /** Where the segment came from: a person, or a model prediction not yet accepted. */
  source: 'user' | 'prediction';
  score?: number;
  /**
   * A prediction the person accepted (now `source: 'user'`): it trains like any label, and the
   * predictions export still includes it, so accepting does not empty that export.
   */
  accepted?: boolean;
}

export interface ProjectSettings {
  backboneId: string;
  fps: number;
  clipLength: number;
  /**
   * Feature streams next to the backbone's appearance vector (features/streams): "motion". Absent in
   * projects made before streams existed, which stay appearance-only.
   */
  streams?: string[];
  /**
   * How each decoded frame is brought to the backbone's input size: 'stretch' (absent; the whole
   * frame, squeezed), 'crop' (the centre, aspect kept) or 'pad' (the whole frame, letterboxed).
   * Part of the features' identity: changing it extracts them again.
   */
  frameFit?: 'stretch' | 'crop' | 'pad';
}

export interface Project {
  format: 'framewise-project';
  version: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  /**
   * Counts the saves of this file, by any program; a save that finds another number on disk than
   * the one it read knows someone else saved in between (project-store.ts). Absent before 0.x.
   */
  revision?: number;
  videos: ProjectVideo[];
  classes: ProjectClass[];
  segments: Segment[];
  settings: ProjectSettings;
}

export const DEFAULT_SETTINGS: ProjectSettings = {
  backboneId: DEFAULT_BACKBONE_ID,
  fps: 4,
  clipLength: 16,
  streams: ['motion'],
};

type Obj = Record<string, unknown>;

class Checker {
  readonly problems: string[] = [];
  obj(v: unknown, at: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    this.problems.push(`${at} must be an object`);
    return undefined;
  }
  str(o: Obj, key: string, at: string, opts: { optional?: boolean; nonEmpty?: boolean } = {}): string | undefined {
    const v = o[key];
    if (v === undefined && opts.optional) return undefined;
    if (typeof v !== 'string' || (opts.nonEmpty && v.trim() === '')) {
      this.problems.push(`${at}.${key} must be a ${opts.nonEmpty ? 'non-empty ' : ''}string`);
      return undefined;
    }
    return v;
  }
  num(
    o: Obj,
    key: string,
    at: string,
    opts: { optional?: boolean; min?: number; positive?: boolean } = {},
  ): number | undefined {
    const v = o[key];
    if (v === undefined && opts.optional) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.problems.push(`${at}.${key} must be a finite number`);
      return undefined;
    }
    if (opts.min !== undefined && v < opts.min) this.problems.push(`${at}.${key} must be ≥ ${opts.min}`);
    if (opts.positive && v <= 0) this.problems.push(`${at}.${key} must be > 0`);
    return v;
  }
  arr(o: Obj, key: string, at: string): unknown[] {
    const v = o[key];
    if (Array.isArray(v)) return v;
    this.problems.push(`${at}.${key} must be an array`);
    return [];
  }
}

/** Validates parsed JSON as a Project; throws BAD_PROJECT listing every problem found (up to 20). */
export function validateProject(data: unknown, source = 'project.json'): Project {
  const c = new Checker();
  const root = c.obj(data, 'project');
  if (!root) throw badProject(source, c.problems);
  if (root['format'] !== 'framewise-project') {
    throw badProject(source, ['this is not a Framewise project file (missing "format": "framewise-project")']);
  }
  const version = c.num(root, 'version', 'project');
  if (version !== undefined && version > PROJECT_FORMAT_VERSION) {
    throw badProject(source, [
      `it was written by a newer Framewise (format version ${version}; this version reads up to ${PROJECT_FORMAT_VERSION}). Update Framewise to open it.`,
    ]);
  }
  c.str(root, 'name', 'project', { nonEmpty: true });
  c.str(root, 'createdAt', 'project');
  c.str(root, 'updatedAt', 'project');
  c.num(root, 'revision', 'project', { optional: true, min: 0 });

  const videoIds = new Set<string>();
  c.arr(root, 'videos', 'project').forEach((v, i) => {
    const at = `videos[${i}]`;
    const o = c.obj(v, at);
    if (!o) return;
    const id = c.str(o, 'id', at, { nonEmpty: true });
    if (id !== undefined) {
      if (videoIds.has(id)) c.problems.push(`${at}.id "${id}" is used twice`);
      videoIds.add(id);
    }
    c.str(o, 'path', at, { nonEmpty: true });
    c.str(o, 'contentHash', at, { optional: true });
    c.str(o, 'addedAt', at);
    for (const k of ['durationSec', 'fps', 'width', 'height']) c.num(o, k, at, { optional: true, min: 0 });
    for (const k of ['codec', 'container', 'pixelFormat']) c.str(o, k, at, { optional: true });
    if (o['split'] !== undefined && o['split'] !== 'train' && o['split'] !== 'test')
      c.problems.push(`${at}.split must be "train" or "test"`);
  });

  const classIds = new Set<string>();
  c.arr(root, 'classes', 'project').forEach((v, i) => {
    const at = `classes[${i}]`;
    const o = c.obj(v, at);
    if (!o) return;
    const id = c.str(o, 'id', at, { nonEmpty: true });
    if (id !== undefined) {
      if (classIds.has(id)) c.problems.push(`${at}.id "${id}" is used twice`);
      classIds.add(id);
    }
    c.str(o, 'name', at, { nonEmpty: true });
    const color = c.str(o, 'color', at);
    if (color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(color)) c.problems.push(`${at}.color must look like #rrggbb`);
  });

  c.arr(root, 'segments', 'project').forEach((v, i) => {
    const at = `segments[${i}]`;
    const o = c.obj(v, at);
    if (!o) return;
    c.str(o, 'id', at, { nonEmpty: true });
    const videoId = c.str(o, 'videoId', at, { nonEmpty: true });
    if (videoId !== undefined && !videoIds.has(videoId)) c.problems.push(`${at}.videoId "${videoId}" names no video`);
    const start = c.num(o, 'start', at, { min: 0 });
    const end = c.num(o, 'end', at, { min: 0 });
    if (start !== undefined && end !== undefined && end <= start)
      c.problems.push(`${at}.end must be greater than start`);
    const classId = o['classId'];
    if (classId !== null && typeof classId !== 'string') c.problems.push(`${at}.classId must be a string or null`);
    else if (typeof classId === 'string' && !classIds.has(classId))
      c.problems.push(`${at}.classId "${classId}" names no class`);
    const captions = c.arr(o, 'captions', at);
    if (captions.some((s) => typeof s !== 'string')) c.problems.push(`${at}.captions must be strings`);
    if (o['source'] !== 'user' && o['source'] !== 'prediction')
      c.problems.push(`${at}.source must be "user" or "prediction"`);
    c.num(o, 'score', at, { optional: true });
    if (o['accepted'] !== undefined && typeof o['accepted'] !== 'boolean')
      c.problems.push(`${at}.accepted must be true or false`);
  });

  const settings = c.obj(root['settings'], 'settings');
  if (settings) {
    c.str(settings, 'backboneId', 'settings', { nonEmpty: true });
    c.num(settings, 'fps', 'settings', { positive: true });
    c.num(settings, 'clipLength', 'settings', { positive: true });
    const streams = settings['streams'];
    if (streams !== undefined && !(Array.isArray(streams) && streams.every((x) => typeof x === 'string')))
      c.problems.push('settings.streams must be a list of stream names, e.g. ["motion"]');
    const fit = settings['frameFit'];
    if (fit !== undefined && fit !== 'stretch' && fit !== 'crop' && fit !== 'pad')
      c.problems.push('settings.frameFit must be "stretch", "crop" or "pad"');
  }

  if (c.problems.length > 0) throw badProject(source, c.problems);
  return data as Project;
}

function badProject(source: string, problems: string[]): FramewiseError {
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  return new FramewiseError(
    'BAD_PROJECT',
    `Cannot open ${source}: ${shown.length === 1 ? shown[0] : '\n  ' + shown.join('\n  ')}${more}`,
    {
      details: { problems },
    },
  );
}

export function newProject(name: string, now = new Date()): Project {
  const ts = now.toISOString();
  return {
    format: 'framewise-project',
    version: PROJECT_FORMAT_VERSION,
    name,
    createdAt: ts,
    updatedAt: ts,
    videos: [],
    classes: [],
    segments: [],
    settings: { ...DEFAULT_SETTINGS },
  };
}
