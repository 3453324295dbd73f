/**
 * Every failure the UI shows goes through here, so a person always reads a sentence, never
 * "[object Object]" or a stack trace. Pure (no DOM) so it is unit-tested under Node.
 */
import type { ErrorCode } from '../../src/errors.js';

export type ClientErrorCode = ErrorCode | 'NETWORK';

export class ApiCallError extends Error {
  readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
  }
}

/** Electron wraps errors thrown through ipcRenderer.invoke in this prefix; it means nothing to a user. */
const IPC_PREFIX = /^Error invoking remote method '[^']*':\s*(Error:\s*)?/;

export function toApiCallError(e: unknown): ApiCallError {
  if (e instanceof ApiCallError) return e;
  if (typeof e === 'object' && e !== null) {
    const o = e as { code?: unknown; message?: unknown };
    if (typeof o.message === 'string' && o.message.trim() !== '') {
      const code = typeof o.code === 'string' ? (o.code as ClientErrorCode) : 'INTERNAL';
      return new ApiCallError(code, o.message.replace(IPC_PREFIX, ''));
    }
  }
  if (typeof e === 'string' && e.trim() !== '') return new ApiCallError('INTERNAL', e);
  return new ApiCallError(
    'INTERNAL',
    'Something went wrong, and the app could not tell what. Try again; if it keeps happening, restart Framewise.',
  );
}
