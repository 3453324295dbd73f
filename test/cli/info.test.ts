/**
 * `framewise info`: which onnxruntime execution provider ran, and why the requested one did not.
 * On a machine without CUDA the request falls back to the CPU with the reason; with CUDA it runs.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './spawn-cli.js';

describe('framewise info', () => {
  it('names the provider that ran and the fallback reason; a bad --provider is a usage error', async () => {
    const r = await cli(['info', '--provider', 'cuda', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
      executionProvider: string;
      requestedProvider: string;
      fallbackReason: string | null;
    };
    expect(info.requestedProvider).toBe('cuda');
    if (info.executionProvider === 'cuda') expect(info.fallbackReason).toBeNull();
    else {
      expect(info.executionProvider).toBe('cpu');
      expect(info.fallbackReason).toMatch(/^cuda unavailable: /);
      const text = await cli(['info', '--provider', 'cuda']);
      expect(text.stdout).toMatch(/execution provider: cpu \(requested cuda\)\nfallback: cuda unavailable/);
    }
    const cpu = JSON.parse(
      (await cli(['info', '--provider', 'cpu', '--json'])).stdout.replace(/^[^{]*/, ''),
    ) as typeof info;
    expect(cpu).toMatchObject({ executionProvider: 'cpu', requestedProvider: 'cpu', fallbackReason: null });
    // The default tries this platform's GPU provider first and says why it did not run.
    const auto = JSON.parse((await cli(['info', '--json'])).stdout.replace(/^[^{]*/, '')) as typeof info;
    expect(auto.requestedProvider).toBe('auto');
    if (auto.executionProvider === 'cpu' && process.platform === 'linux')
      expect(auto.fallbackReason).toMatch(/^cuda unavailable: /);
    const bad = await cli(['info', '--provider', 'tpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--provider must be one of auto, cpu, cuda, dml, coreml, webgpu/);
  }, 60_000);
});
