/**
 * The Content-Security-Policy of the renderer page, one policy for both transports. Serve mode
 * sends it as it is; Electron adds what its app:// page needs on top (the media scheme, and Vite's
 * HMR socket in dev) through options, instead of editing the string. Every transport gets the same
 * strict base: self only, no inline or eval script, no objects, no framing, no <base>.
 */

export interface CspOptions {
  /** Added to media-src after 'self' blob:, e.g. "framewise-media:" for Electron's video protocol. */
  mediaSources?: readonly string[];
  /** Added to connect-src after 'self', e.g. "ws://localhost:5173" for Vite's dev server. */
  connectSources?: readonly string[];
}

/** One CSP source expression; no spaces, semicolons, commas, quotes or wildcards that would widen it. */
const SOURCE = /^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[A-Za-z0-9.[\]:-]+)?$/;

function sources(kind: string, list: readonly string[] | undefined): string[] {
  for (const s of list ?? []) {
    if (!SOURCE.test(s)) throw new Error(`Not a scheme or scheme://host[:port] CSP source for ${kind}: "${s}"`);
  }
  return [...(list ?? [])];
}

export function buildCsp(options: CspOptions = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    // blob: for the captions track (a Blob URL of WebVTT text).
    ['media-src', ["'self'", 'blob:', ...sources('media-src', options.mediaSources)]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['script-src', ["'self'"]],
    ['connect-src', ["'self'", ...sources('connect-src', options.connectSources)]],
    ['object-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}
