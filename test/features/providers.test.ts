import { describe, expect, it } from 'vitest';
import { isProviderRequest, providerOrder } from '../../src/features/engines/providers.js';
import { fallbackReasons } from '../../src/features/engines/select.js';
import type { FeatureEngine } from '../../src/features/types.js';

describe('providerOrder', () => {
  it("tries the platform's GPU provider first for 'auto', then the CPU", () => {
    expect(providerOrder('auto', 'linux')).toEqual(['cuda', 'cpu']);
    expect(providerOrder('auto', 'win32')).toEqual(['dml', 'cpu']);
    expect(providerOrder('auto', 'darwin')).toEqual(['coreml', 'cpu']);
    expect(providerOrder('auto', 'freebsd')).toEqual(['cpu']);
  });

  it('tries an explicit provider, then the CPU; cpu alone never tries a GPU', () => {
    expect(providerOrder('webgpu', 'linux')).toEqual(['webgpu', 'cpu']);
    expect(providerOrder('cuda', 'darwin')).toEqual(['cuda', 'cpu']);
    expect(providerOrder('cpu', 'linux')).toEqual(['cpu']);
  });

  it('knows the names it accepts', () => {
    expect(isProviderRequest('auto')).toBe(true);
    expect(isProviderRequest('dml')).toBe(true);
    expect(isProviderRequest('tpu')).toBe(false);
  });
});

describe('fallbackReasons', () => {
  const engine = (fallbackReason?: string) => ({ fallbackReason }) as unknown as FeatureEngine;

  it('is empty when the first choice ran', () => {
    expect(fallbackReasons([], engine())).toEqual([]);
  });

  it('names the engines that failed before, then the providers the engine skipped', () => {
    expect(fallbackReasons(['onnx failed: no binding'], engine('cuda unavailable: no library'))).toEqual([
      'onnx failed: no binding',
      'cuda unavailable: no library',
    ]);
    expect(fallbackReasons([], engine('cuda unavailable: no library'))).toEqual(['cuda unavailable: no library']);
  });
});
