import type { ErrorCode } from '../errors.js';

/**
 * HTTP status for an error code. Caller mistakes are 4xx; a failure of the operation the user asked
 * for (unreadable video, bad project file) is 422: the request was fine, its content was not.
 * Only genuine bugs are 500.
 */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'BAD_ARGUMENT':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'INTERNAL':
      return 500;
    case 'FFMPEG_NOT_FOUND':
    case 'BACKBONE_UNAVAILABLE':
    case 'DOWNLOAD_FAILED':
      return 503;
    default:
      return 422;
  }
}
