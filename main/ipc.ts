/**
 * The single IPC entry point: ipcMain.handle('api'). It forwards to the shared dispatcher, so a call
 * over IPC is validated and answered exactly like POST /api/<method> in serve mode.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { Api } from '../src/services/contract.js';
import { isApiMethod } from '../src/services/contract.js';
import { dispatchApi, type ApiEnvelope } from '../src/transport/dispatch.js';
import { IPC_API } from './bridge.js';

export function registerApiHandler(api: Api, isTrustedUrl: (url: string) => boolean): void {
  ipcMain.handle(IPC_API, async (e: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<ApiEnvelope> => {
    // Only our own page may call in; a frame that navigated elsewhere (it should not be able to) may not.
    if (!e.senderFrame || !isTrustedUrl(e.senderFrame.url)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'IPC call from an untrusted page refused.' } };
    }
    if (typeof method !== 'string' || !isApiMethod(method)) {
      return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown API method "${String(method)}".` } };
    }
    return dispatchApi(api, method, args);
  });
}
