/**
 * The few browser-side shapes the specs touch inside page.evaluate. The root tsconfig type-checks
 * Node code without the DOM lib, so these stand in for HTMLVideoElement and window.
 */
export interface VideoProbe {
  muted: boolean;
  readyState: number;
  currentTime: number;
  play(): Promise<void>;
}

export interface PageGlobals {
  framewise?: Record<string, unknown>;
  require?: unknown;
  process?: unknown;
  open(url: string): unknown;
}
