import { describe, expect, it } from 'vitest';
import { isProviderRequest, providerOrder } from '../../src/features/engines/providers.js';
import { describeFallback } from '../../src/features/engines/select.js';
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

describe('describeFallback', () => {
  const engine = (fallbackReason?: string) => ({ fallbackReason }) as unknown as FeatureEngine;

  it('is null when the first choice ran', () => {
    expect(describeFallback([], engine())).toBeNull();
  });

  it('names the engines that failed before, then the providers the engine skipped', () => {
    expect(describeFallback(['onnx failed: no binding'], engine('cuda unavailable: no library'))).toBe(
      'onnx failed: no binding; cuda unavailable: no library',
    );
    expect(describeFallback([], engine('cuda unavailable: no library'))).toBe('cuda unavailable: no library');
  });
});
