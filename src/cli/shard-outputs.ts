/**
 * Per-video outputs of sharded runs (`predict --out-dir`, `caption --out-dir`): one JSON per video,
 * written atomically, so a job killed half-way leaves only whole files, and a rerun of the same
 * shard skips what is done (a file made by the same model). `merge` reads predictions back in one
 * document.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { FramewiseError } from '../errors.js';
import { validatePredictionsJson, type PredictionsJson } from '../export/predictions.js';
import { atomicWriteFile } from '../util/atomic-write.js';

/** `<stem>-<hash of the absolute path>.json`: readable, and two `clip.mp4` in different folders do not collide. */
export function outputFileFor(dir: string, video: string): string {
  const abs = resolve(video);
  const stem = basename(abs, extname(abs))
    .replace(/[^\w.-]+/g, '_')
    .slice(0, 80);
  return join(dir, `${stem}-${createHash('sha256').update(abs).digest('hex').slice(0, 10)}.json`);
}

/**
 * The output already written by this model (`validate` reads it and gives the tag of the model
 * that wrote it), or null when the video still has to be done.
 */
export async function finishedJson<T>(
  file: string,
  modelTag: string,
  validate: (data: unknown) => { doc: T; model: string | undefined },
): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const { doc, model } = validate(JSON.parse(text));
    return model === modelTag ? doc : null;
  } catch {
    // A file that does not parse is not done; it is written again over.
    return null;
  }
}

/** The predictions already written for this model, or null. */
export function finishedOutput(file: string, modelTag: string): Promise<PredictionsJson | null> {
  return finishedJson(file, modelTag, (data) => {
    const doc = validatePredictionsJson(data);
    return { doc, model: doc.model };
  });
}

export async function writeOutput(file: string, doc: unknown): Promise<void> {
  await mkdir(resolve(file, '..'), { recursive: true });
  await atomicWriteFile(file, JSON.stringify(doc, null, 2) + '\n');
}

/** Reads predictions JSON files, and every `*.json` in the folders given (temp files skipped). */
export async function readOutputs(paths: readonly string[]): Promise<PredictionsJson[]> {
  const files: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => {
      throw new FramewiseError('NOT_FOUND', `${p} does not exist.`);
    });
    if (!st.isDirectory()) files.push(p);
    else
      for (const name of (await readdir(p)).sort())
        if (name.endsWith('.json') && !name.startsWith('.')) files.push(join(p, name));
  }
  const docs: PredictionsJson[] = [];
  for (const f of files) {
    const text = await readFile(f, 'utf8').catch((e: Error) => {
      throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${f}: ${e.message}`);
    });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new FramewiseError('BAD_ARGUMENT', `${f} is not JSON: ${(e as Error).message}`);
    }
    try {
      docs.push(validatePredictionsJson(data));
    } catch (e) {
      throw new FramewiseError('BAD_ARGUMENT', `${f}: ${(e as Error).message}`);
    }
  }
  return docs;
}
