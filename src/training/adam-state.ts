/**
 * Adam's state in a checkpoint folder: `adam.json` (step count, epoch, names and lengths) and
 * `adam.bin` (each parameter's first then second moment, float32 little-endian). Written after
 * the checkpoint's weights and tagged with the epoch, so a state from another epoch (a crash
 * between the two writes) is ignored rather than paired with the wrong weights.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '../util/atomic-write.js';
import type { Adam } from './optimizer.js';

interface AdamIndex {
  format: 'framewise-adam';
  epoch: number;
  t: number;
  params: { name: string; length: number }[];
}

export async function saveAdamState(dir: string, opt: Adam, epoch: number): Promise<void> {
  const state = opt.exportState();
  const total = state.moments.reduce((n, p) => n + 2 * p.m.length, 0);
  const buf = new Float32Array(total);
  let at = 0;
  for (const p of state.moments) {
    buf.set(p.m, at);
    buf.set(p.v, at + p.m.length);
    at += 2 * p.m.length;
  }
  const index: AdamIndex = {
    format: 'framewise-adam',
    epoch,
    t: state.t,
    params: state.moments.map((p) => ({ name: p.name, length: p.m.length })),
  };
  await atomicWriteFile(join(dir, 'adam.bin'), new Uint8Array(buf.buffer));
  await atomicWriteFile(join(dir, 'adam.json'), JSON.stringify(index));
}

/** Restores the state saved for `epoch`; false when there is none (an older checkpoint): moments restart. */
export async function loadAdamState(dir: string, opt: Adam, epoch: number): Promise<boolean> {
  const text = await readFile(join(dir, 'adam.json'), 'utf8').catch(() => null);
  if (text === null) return false;
  let index: AdamIndex;
  try {
    index = JSON.parse(text) as AdamIndex;
  } catch {
    return false;
  }
  if (index.format !== 'framewise-adam' || index.epoch !== epoch) return false;
  const bytes = await readFile(join(dir, 'adam.bin')).catch(() => null);
  const total = index.params.reduce((n, p) => n + 2 * p.length, 0);
  if (!bytes || bytes.byteLength !== total * 4) return false;
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let at = 0;
  const moments = index.params.map((p) => {
    const m = all.subarray(at, at + p.length);
    const v = all.subarray(at + p.length, at + 2 * p.length);
    at += 2 * p.length;
    return { name: p.name, m, v };
  });
  opt.importState({ t: index.t, moments });
  return true;
}
