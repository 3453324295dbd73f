/** Public entry point of the backbone / feature-engine layer. */
export { createFeatureEngine } from './engines/select.js';
export type { CreateEngineOptions, EngineKind } from './engines/select.js';
export { createOnnxEngine, onnxRuntimeVersion } from './engines/onnx-engine.js';
export type { ExecutionProviderName, OnnxEngineOptions, OnnxFeatureEngine } from './engines/onnx-engine.js';
export { createTfjsWasmEngine, initTfjsWasm } from './engines/tfjs-engine.js';
export {
  DEFAULT_BACKBONE_ID,
  builtinModelsDir,
  getBackbone,
  listBackbones,
  loadRegistry,
  parseManifest,
} from './backbones/registry.js';
export type { BackboneManifest, OnnxInputLayout, OnnxIoSpec, Registry, RegistryOptions } from './backbones/registry.js';
export { buildOnnxFromNpm, cachedModelPath, ensureOnnxModel } from './backbones/materialise.js';
export type { MaterialiseOptions, MaterialisedModel, NpmBuild } from './backbones/materialise.js';
export { defaultCacheRoot, modelCacheDir } from './backbones/cache.js';
export { downloadFile } from './download.js';
export type { DownloadOptions, DownloadProgress, DownloadResult } from './download.js';
