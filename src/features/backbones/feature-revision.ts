/**
 * The feature revision a backbone's engine stamps on its cache files, from the manifest alone: what
 * the cost of a settings change needs (which caches exist) without loading an engine for it.
 */
import { QUANTIZER_VERSION } from '../onnx/quantize-qdq.js';
import type { BackboneManifest } from './registry.js';

export function featureRevisionOf(spec: Pick<BackboneManifest, 'quantization'>): string | undefined {
  // Quantizer 3 made int8 features CPU-independent; caches written before may hold saturated ones.
  return spec.quantization ? `q${QUANTIZER_VERSION}` : undefined;
}
