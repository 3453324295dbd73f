import { createCoreServices } from '../../services/core-services.js';
import { createFeatureEngine, fallbackReasons, fallbackText } from '../../features/engines/select.js';
import type { OnnxFeatureEngine } from '../../features/engines/onnx-engine.js';
import { isProviderRequest, PROVIDER_REQUESTS } from '../../features/engines/providers.js';
import { FramewiseError, toFramewiseError } from '../../errors.js';
import type { CommandContext } from '../command.js';

export const infoCommand = {
  name: 'info',
  summary: 'Show the version, ffmpeg in use and the feature engine that loads (and its execution provider)',
  usage: `framewise info [--provider ${PROVIDER_REQUESTS.join('|')}] [--json]`,
  options: { provider: { type: 'string' } },
  async run({ values, out }: CommandContext): Promise<number> {
    const requested = String(values['provider'] ?? 'auto');
    if (!isProviderRequest(requested))
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `--provider must be one of ${PROVIDER_REQUESTS.join(', ')} (got ${requested}).`,
      );
    const core = createCoreServices({ transport: 'serve', emit: () => undefined });
    const info = await core.api['system.info']({});
    let backend: string;
    let executionProvider: string | null = null;
    let fallbacks: string[] = [];
    try {
      const failures: string[] = [];
      const engine = await createFeatureEngine(undefined, {
        executionProvider: requested,
        onFallback: (kind, err) => void failures.push(fallbackText(kind, err)),
      });
      backend = engine.backend;
      // Only the onnxruntime engine has providers; tfjs-wasm (a fallback) runs on the CPU.
      executionProvider = (engine as Partial<OnnxFeatureEngine>).executionProvider ?? 'cpu (tfjs-wasm)';
      fallbacks = fallbackReasons(failures, engine);
      await engine.dispose();
    } catch (e) {
      backend = `unavailable: ${toFramewiseError(e).message}`;
    }
    out.line(`framewise ${info.version} (${info.platform})`);
    out.line(
      'error' in info.ffmpeg
        ? `ffmpeg: ${info.ffmpeg.error}`
        : `ffmpeg: ${info.ffmpeg.path} (${info.ffmpeg.source}) ${info.ffmpeg.version}`,
    );
    out.line(`backend: ${backend}`);
    if (executionProvider) out.line(`execution provider: ${executionProvider} (requested ${requested})`);
    for (const f of fallbacks) out.line(`fallback: ${f}`);
    if (out.json)
      out.print({
        ...info,
        featureBackend: backend,
        executionProvider,
        requestedProvider: requested,
        fallbackReason: fallbacks.length ? fallbacks.join('; ') : null,
      });
    return 'error' in info.ffmpeg ? 1 : 0;
  },
};
