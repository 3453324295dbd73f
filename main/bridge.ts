/**
 * The only object the preload puts into the page (window.framewise). Types only: shared by the
 * preload, which implements it, and the renderer, which uses it when running inside Electron.
 */
import type { ApiClient } from '../src/services/contract.js';

export interface FramewiseBridge extends ApiClient {
  /** process.platform of the app ("darwin", "win32", "linux"). */
  readonly platform: string;
  /**
   * The filesystem path of a dropped or chosen File. Electron 32 removed File.path; the preload's
   * webUtils is the only way to get it, and only for files the user handed to the page.
   */
  pathForFile(file: File): string;
  /** The native save dialog; resolves to the chosen path, or null when cancelled. */
  chooseSavePath(defaultName: string): Promise<string | null>;
}

/** IPC channel names, shared by main and preload so a typo cannot split them. */
export const IPC_API = 'api';
export const IPC_EVENT = 'api-event';
export const IPC_SAVE_DIALOG = 'dialog-save';

/** Scheme and host the renderer is served from in production (a custom protocol, not file://). */
export const APP_SCHEME = 'framewise';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** Project videos: framewise-media://video/<videoId>. The id is in the path, not the host: standard schemes lower-case hosts. */
export const MEDIA_SCHEME = 'framewise-media';
export const MEDIA_HOST = 'video';
