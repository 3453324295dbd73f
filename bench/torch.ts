import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs the PyTorch peer (Debian's python3-torch in /usr/bin/python3). OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE are unset for that command only: they slow a current BLAS here. Returns null
 * when PyTorch is not installed, so the rest of the benchmark still runs.
 */
export function torchPeer(mode: 'features'): { fps: number; threads: number; torch: string } | null;
export function torchPeer(
  mode: 'lstm' | 'gru',
): { epoch_s: number; inference_s: number; threads: number; torch: string } | null;
export function torchPeer(mode: string): unknown {
  const env: NodeJS.ProcessEnv = { ...process.env, THREADS: '2' };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  const r = spawnSync('/usr/bin/python3', [join('bench', 'torch_peer.py'), mode], { env, encoding: 'utf8' });
  if (r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as unknown;
  } catch {
    return null;
  }
}
