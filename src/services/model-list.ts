/**
 * `models.list`: the action models and captioners of a project, newest first, each with a one-line
 * summary read through the model-folder readers (config and meta, no weights).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readCaptionerInfo } from '../captioning/captioner-io.js';
import { SPECIAL_TOKENS } from '../captioning/tokenizer.js';
import { describeHead } from '../models/heads/registry.js';
import { captionersDir } from '../project/captioning.js';
import { listProjectModels } from '../project/predict.js';
import type { ProjectStore } from '../store/project-store.js';
import { readModelInfo } from '../training/model-io.js';
import type { ModelInfo } from './contract.js';

/** The summary of a model folder whose model.json or meta.json cannot be read. */
const UNREADABLE = 'unreadable model files';

async function listCaptioners(store: ProjectStore): Promise<ModelInfo[]> {
  const root = captionersDir(store);
  const out: ModelInfo[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const dir = join(root, name);
    const st = await stat(join(dir, 'meta.json')).catch(() => null);
    if (!st) continue;
    const info = await readCaptionerInfo(dir).catch(() => null);
    const c = info?.config;
    out.push({
      name,
      kind: 'captioner',
      createdAt: st.mtime.toISOString(),
      summary: c
        ? [
            `${c.cell.toUpperCase()} ${c.encoderHidden}`,
            c.attention === 'general' ? 'attention' : null,
            `${c.vocabSize - SPECIAL_TOKENS.length} words`,
          ]
            .filter(Boolean)
            .join(' · ')
        : UNREADABLE,
    });
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** Action models and captioners, newest first. */
export async function listModels(store: ProjectStore): Promise<ModelInfo[]> {
  const models: ModelInfo[] = [];
  for (const m of await listProjectModels(store)) {
    const info = await readModelInfo(m.dir).catch(() => null);
    const classes = info?.meta.classes.map((x) => x.name) ?? [];
    const valAcc = info?.meta.metrics['valAcc'];
    models.push({
      name: m.name,
      kind: 'classifier',
      createdAt: m.createdAt,
      summary: info
        ? [
            describeHead(info.config),
            `${classes.length} classes`,
            `${info.meta.clipLength} frames`,
            typeof valAcc === 'number' ? `val acc ${(valAcc * 100).toFixed(0)} %` : null,
          ]
            .filter(Boolean)
            .join(' · ')
        : UNREADABLE,
      classes,
      ...(info ? { clipLength: info.meta.clipLength, fps: info.meta.fps } : {}),
    });
  }
  return [...models, ...(await listCaptioners(store))].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}
