/**
 * Which onnxruntime execution providers to try, in order. A GPU provider that this build or machine
 * lacks is not an error: the CPU always works, and the reason the GPU was not used is reported.
 */
export type ExecutionProviderName = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
/** 'auto' (the default) tries the platform's GPU provider first, then the CPU. */
export type ExecutionProviderRequest = ExecutionProviderName | 'auto';

export const PROVIDER_REQUESTS: readonly ExecutionProviderRequest[] = [
  'auto',
  'cpu',
  'cuda',
  'dml',
  'coreml',
  'webgpu',
];

/**
 * The GPU provider onnxruntime-node ships for each platform: CUDA on Linux (its library is fetched by
 * the installer only on request), DirectML on Windows, CoreML on macOS. WebGPU is only tried when asked
 * for: it is experimental in onnxruntime-node and slower than the CPU for this backbone on integrated
 * GPUs.
 */
const PLATFORM_GPU: Partial<Record<NodeJS.Platform, ExecutionProviderName>> = {
  linux: 'cuda',
  win32: 'dml',
  darwin: 'coreml',
};

export function isProviderRequest(value: string): value is ExecutionProviderRequest {
  return (PROVIDER_REQUESTS as readonly string[]).includes(value);
}

/** The providers to try for a request, in order; always ends with 'cpu'. */
export function providerOrder(
  request: ExecutionProviderRequest,
  platform: NodeJS.Platform = process.platform,
): ExecutionProviderName[] {
  const first = request === 'auto' ? PLATFORM_GPU[platform] : request;
  return first === undefined || first === 'cpu' ? ['cpu'] : [first, 'cpu'];
}
