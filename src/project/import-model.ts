/**
 * Import of a trained action model or captioner exported by Framewise elsewhere: the ZIP of
 * `export.file` kind 'model' / 'captioner' (<name>/model.json, weights.bin, meta.json[, vocab.json]),
 * or that folder unzipped; captioners go to captioners/, with no classes to map. The model is
 * checked against the project before anything is written — model format and weights, the feature
 * set it was trained on (backbone, streams, size), its classes — and lands in models/<name> in one
 * rename, never over an existing folder.
 */
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FramewiseError } from '../errors.js';
import { getBackbone } from '../features/backbones/registry.js';
import { checkFeatureFit } from '../models/feature-fit.js';
import { unzipEntries } from '../export/zip.js';
import { BACKGROUND_CLASS } from '../training/dataset.js';
import { loadModel, saveModel, type TrainedModel } from '../training/model-io.js';
import { CAPTIONER_FORMAT, loadCaptioner, saveCaptioner } from '../captioning/captioner-io.js';
import { readJsonFile } from '../models/param-folder.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { newId, type ProjectStore } from '../store/project-store.js';
import { PALETTE } from '../store/import-segments.js';
import { projectFeatureSet } from './video-features.js';

export interface ImportModelOptions {
  /** Folder name under models/; default the exported model's own name. */
  name?: string;
  /** Add the model's classes the project lacks (default: refuse with MODEL_MISMATCH). */
  addClasses?: boolean;
}

export interface ImportedModel {
  name: string;
  kind: 'classifier' | 'captioner';
  dir: string;
  /** Names of the classes added to the project (with `addClasses`). */
  addedClasses: string[];
}

const NAME_RE = /^[\w-][\w.-]{0,63}$/;

/** Imports `source` (a model ZIP or folder) into the project's models/ (captioners/ for a captioner). */
export async function importModel(
  store: ProjectStore,
  source: string,
  opts: ImportModelOptions = {},
): Promise<ImportedModel> {
  const st = await stat(source).catch(() => null);
  if (!st) throw new FramewiseError('FILE_NOT_FOUND', `No model file or folder at ${source}.`);
  const staging = join(store.paths.models, `.import-${newId('m')}`);
  try {
    const { dir: srcDir, name: exportedName } = st.isDirectory()
      ? await modelFolderIn(source)
      : await unzipModel(source, `${staging}-zip`);
    const mj = (await readJsonFile(join(srcDir, 'model.json'), 'model')) as { format?: unknown };
    const captioner = mj.format === CAPTIONER_FORMAT;
    const name = opts.name ?? exportedName;
    if (!NAME_RE.test(name))
      throw new FramewiseError('BAD_ARGUMENT', `"${name}" cannot name a model: use letters, digits, "_", "-" and ".".`);
    const target = join(captioner ? store.paths.captioners : store.paths.models, name);
    if (await stat(target).catch(() => null))
      throw new FramewiseError(
        'CONFLICT',
        `This project already has a ${captioner ? 'captioner' : 'model'} "${name}"; import under another name (--name, or Name in the app).`,
      );
    const loaded = captioner ? await loadCaptioner(srcDir) : await loadModel(srcDir);
    const backbone = await getBackbone(store.project.settings.backboneId);
    const expected = projectFeatureSet(store, { backboneId: backbone.id, featureDim: backbone.featureDim });
    checkFeatureFit(
      { backboneId: expected.backboneId, featureDim: expected.featureDim },
      { backboneId: loaded.meta.backboneId, featureDim: loaded.meta.featureDim },
      {
        offered: `${captioner ? 'captioner' : 'model'} "${exportedName}"`,
        expected: 'this project extracts',
        hint: 'Set the project’s backbone and feature streams to the ones it was trained on, or train a new one here.',
      },
    );
    let added: { id: string; name: string; color: string }[] = [];
    await mkdir(store.paths.models, { recursive: true });
    // Staged in models/ for both kinds (model lists skip dot folders); one rename moves it.
    if ('vocab' in loaded) {
      const { checkpoint: _checkpoint, ...meta } = loaded.meta;
      await saveCaptioner(staging, { ...loaded, meta });
      await mkdir(store.paths.captioners, { recursive: true });
    } else {
      const mapped = mapClasses(store, loaded, opts.addClasses ?? false);
      added = mapped.added;
      await saveModel(staging, { head: loaded.head, meta: mapped.meta });
    }
    if (added.length > 0) await store.update((p) => void p.classes.push(...added));
    // rename refuses a non-empty target, so a model written there in the meantime is kept.
    await rename(staging, target).catch((e: NodeJS.ErrnoException) => {
      throw new FramewiseError('CONFLICT', `Cannot place the model at ${target}: ${e.code ?? e.message}.`);
    });
    return { name, kind: captioner ? 'captioner' : 'classifier', dir: target, addedClasses: added.map((c) => c.name) };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(`${staging}-zip`, { recursive: true, force: true });
  }
}

/** The model folder at `dir`, or the one folder inside it (a ZIP unpacked by hand). */
async function modelFolderIn(dir: string): Promise<{ dir: string; name: string }> {
  const names = await readdir(dir);
  if (names.includes('model.json')) return { dir, name: basename(dir) };
  const inner = [];
  for (const n of names) if (await stat(join(dir, n, 'model.json')).catch(() => null)) inner.push(n);
  if (inner.length === 1) return { dir: join(dir, inner[0]!), name: inner[0]! };
  if (names.some((n) => n.endsWith('.onnx')))
    throw new FramewiseError(
      'BAD_ARGUMENT',
      `${dir} holds an ONNX export, which Framewise writes for other tools but does not run itself; import the model ZIP (Export → Model) instead.`,
    );
  throw new FramewiseError(
    'FILE_UNREADABLE',
    inner.length > 1
      ? `${dir} holds several models (${inner.join(', ')}); import one of their folders.`
      : `${dir} is not a Framewise model folder (no model.json).`,
  );
}

/** Unpacks the model folder of a model ZIP into `into`. */
async function unzipModel(file: string, into: string): Promise<{ dir: string; name: string }> {
  let entries;
  try {
    entries = unzipEntries(await readFile(file));
  } catch (e) {
    throw new FramewiseError('FILE_UNREADABLE', `${file} is not a model ZIP: ${(e as Error).message}.`);
  }
  const folders = [...new Set(entries.filter((e) => basename(e.name) === 'model.json').map((e) => dirname(e.name)))];
  if (folders.length !== 1)
    throw new FramewiseError(
      'FILE_UNREADABLE',
      folders.length === 0
        ? `${file} holds no Framewise model (no model.json).`
        : `${file} holds several models (${folders.join(', ')}); import one at a time.`,
    );
  const prefix = folders[0] === '.' ? '' : `${folders[0]}/`;
  await mkdir(into, { recursive: true });
  for (const e of entries) {
    const rest = e.name.slice(prefix.length);
    if (!e.name.startsWith(prefix) || rest.includes('/')) continue;
    await atomicWriteFile(join(into, rest), e.data);
  }
  const name = prefix ? basename(folders[0]!) : basename(file).replace(/\.zip$/i, '');
  return { dir: into, name };
}

/**
 * The model's meta with its classes renamed to the project's class ids (matched by name, case
 * and surrounding spaces ignored), and the classes to add when the project lacks some.
 */
function mapClasses(
  store: ProjectStore,
  model: TrainedModel,
  addClasses: boolean,
): { meta: TrainedModel['meta']; added: { id: string; name: string; color: string }[] } {
  const key = (s: string): string => s.trim().toLowerCase();
  const byName = new Map(store.project.classes.map((c) => [key(c.name), c.id]));
  const added: { id: string; name: string; color: string }[] = [];
  const missing: string[] = [];
  const classes = model.meta.classes.map((c) => {
    if (c.id === BACKGROUND_CLASS.id) return c;
    const id = byName.get(key(c.name));
    if (id) return { id, name: c.name };
    missing.push(c.name);
    const fresh = {
      id: newId('cls'),
      name: c.name,
      color: PALETTE[(store.project.classes.length + added.length) % PALETTE.length]!,
    };
    added.push(fresh);
    byName.set(key(c.name), fresh.id);
    return { id: fresh.id, name: c.name };
  });
  if (missing.length > 0 && !addClasses)
    throw new FramewiseError(
      'MODEL_MISMATCH',
      `The model predicts classes this project does not have: ${missing.join(', ')}. Add them to the project, or let the import add them (--add-classes; in the app, “Add the model's classes this project lacks”).`,
      { details: { missing } },
    );
  const { checkpoint: _checkpoint, ...rest } = model.meta;
  return { meta: { ...rest, classes }, added };
}
