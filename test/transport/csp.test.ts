import { describe, expect, it } from 'vitest';
import { buildCsp } from '../../src/transport/csp.js';

/** The policy serve mode sent before the builder existed, written out by hand. */
const SERVE_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

describe('buildCsp', () => {
  it('without options is the strict serve-mode policy', () => {
    expect(buildCsp()).toBe(SERVE_POLICY);
  });

  it("adds Electron's media scheme and the dev server socket where they belong, and nothing else", () => {
    expect(buildCsp({ mediaSources: ['framewise-media:'] })).toBe(
      SERVE_POLICY.replace("media-src 'self' blob:", "media-src 'self' blob: framewise-media:"),
    );
    expect(buildCsp({ mediaSources: ['framewise-media:'], connectSources: ['ws://localhost:5173'] })).toBe(
      SERVE_POLICY.replace("media-src 'self' blob:", "media-src 'self' blob: framewise-media:").replace(
        "connect-src 'self'",
        "connect-src 'self' ws://localhost:5173",
      ),
    );
  });

  it('refuses sources that would add directives or widen the policy', () => {
    for (const bad of ["x:; script-src 'unsafe-inline'", '*', "'unsafe-eval'", 'a b:', 'ws://h/*', '']) {
      expect(() => buildCsp({ connectSources: [bad] }), bad).toThrow(/CSP source/);
    }
  });
});
