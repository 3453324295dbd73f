/**
 * What the core says about itself: version, backends, ffmpeg, backbones and streams; the error
 * shape. Part of the one contract (../contract.ts).
 */
import type { ErrorCode } from '../../errors.js';

export interface SystemInfo {
  version: string;
  /** e.g. "onnxruntime-node 1.30.0 cpu (2 threads)"; null until the engine has been loaded once. */
  featureBackend: string | null;
  /**
   * Why extraction runs where it does when that is not the first choice ("cuda unavailable: …"):
   * shown with the backend; null when the preferred provider ran or no engine has loaded yet.
   */
  featureFallback: string | null;
  ffmpeg: { path: string; source: string; version: string } | { error: string };
  platform: string;
  transport: 'electron' | 'serve';
  /** Where "Try a demo project" suggests creating it (in the user's home folder). */
  demoDir: string;
  /** The frame backbones a project can use (models/*.json and user manifests). */
  backbones: BackboneSummary[];
  /** The feature streams a project can add next to the backbone's appearance vector, e.g. "motion". */
  streams: string[];
}

export interface BackboneSummary {
  id: string;
  name: string;
  featureDim: number;
  /** Stored in int8 (faster; onnxruntime only). */
  int8: boolean;
  /** The one new projects start with. */
  isDefault: boolean;
}

export interface ApiError {
  code: ErrorCode;
  message: string;
}
