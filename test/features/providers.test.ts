import { describe, expect, it } from 'vitest';
import { isProviderRequest, providerOrder } from '../../src/features/engines/providers.js';

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
