/**
 * One error type for everything the core reports to a person. `code` is stable (tests, CLI exit
 * codes, UI mapping); `message` is written for the user and names the file or option at fault.
 */
export type ErrorCode =
  | 'FFMPEG_NOT_FOUND'
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'NOT_A_VIDEO'
  | 'CORRUPT_VIDEO'
  | 'DECODE_FAILED'
  | 'ABORTED'
  | 'BAD_ARGUMENT'
  | 'BAD_PROJECT'
  | 'BAD_FEATURE_FILE'
  | 'BACKBONE_UNAVAILABLE'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'MODEL_MISMATCH'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INTERNAL';

export class FramewiseError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FramewiseError';
    this.code = code;
    this.details = options?.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function isFramewiseError(e: unknown): e is FramewiseError {
  return e instanceof FramewiseError;
}

/** Wraps anything thrown into a FramewiseError so transports (CLI, IPC, HTTP) report one shape. */
export function toFramewiseError(e: unknown): FramewiseError {
  if (e instanceof FramewiseError) return e;
  if (e instanceof Error) return new FramewiseError('INTERNAL', e.message, { cause: e });
  return new FramewiseError('INTERNAL', String(e));
}
