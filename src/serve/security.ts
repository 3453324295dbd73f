/**
 * Request checks for serve mode. The server listens on 127.0.0.1 only, but any web page the user
 * visits can still make their browser send requests to it; these checks are what stop that:
 * a secret token (no token, no access), a Host check (DNS rebinding), an Origin check (CSRF), and
 * Fetch-Metadata (other local sites riding on the cookie).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { buildCsp } from '../transport/csp.js';

/** Serve mode's page policy: the shared base, nothing added (media and API are same-origin). */
export const CSP = buildCsp();

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison; hashing first makes the time independent of the lengths as well. */
export function tokenMatches(candidate: string, token: string): boolean {
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * Cookies are not isolated by port, so two Framewise servers on one machine would overwrite one
 * cookie; the port in the name keeps them apart.
 */
export function cookieName(port: number): string {
  return `framewise_token_${port}`;
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Where the token came from; a cookie alone is weaker (ambient), so it gets extra checks. */
export type AuthSource = 'header' | 'query' | 'cookie';

export function authenticate(req: IncomingMessage, url: URL, token: string, port: number): AuthSource | null {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    // A wrong explicit credential is a failure, not a reason to fall back to the cookie.
    return m && tokenMatches(m[1]!, token) ? 'header' : null;
  }
  const q = url.searchParams.get('token');
  if (q !== null) return tokenMatches(q, token) ? 'query' : null;
  const c = readCookie(req, cookieName(port));
  if (c !== null) return tokenMatches(c, token) ? 'cookie' : null;
  return null;
}

/**
 * Host must name this server by loopback address. A DNS-rebinding page reaches us under its own
 * host name (evil.example:PORT), which this rejects even though the TCP connection is local.
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * Browsers send Origin on every POST; it must be this server's own origin. Requests without Origin
 * come from non-browser clients (curl, scripts), which hold the token themselves.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin.toLowerCase() === `http://${req.headers.host?.toLowerCase() ?? ''}`;
}

/**
 * A cookie is sent by the browser on its own, also for requests another local site (same site,
 * different port) starts. When the cookie is the only credential, Fetch-Metadata must say the
 * request came from our own pages (or from the user typing the URL).
 */
export function cookieRequestAllowed(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
