/**
 * The preload: the renderer's only door to the main process. It exposes exactly one object,
 * window.framewise, with the ApiClient calls; no ipcRenderer, no Node. Sandboxed, so it is bundled
 * to CommonJS and may only require('electron').
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../src/services/contract.js';
import type { ApiEnvelope } from '../src/transport/dispatch.js';
import { IPC_API, IPC_EVENT, IPC_SAVE_DIALOG, MEDIA_HOST, MEDIA_SCHEME, type FramewiseBridge } from './bridge.js';

const bridge: FramewiseBridge = {
  call: async (method, args) => {
    const res = (await ipcRenderer.invoke(IPC_API, method, args)) as ApiEnvelope;
    if (res.ok) return res.result as never;
    // A plain { code, message } object: contextBridge copies it whole, whereas an Error loses its
    // extra properties (the code) on the way into the page.
    throw res.error;
  },
  onEvent: (listener) => {
    const handler = (_e: IpcRendererEvent, event: ApiEvent): void => listener(event);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
  mediaUrl: (videoId) => `${MEDIA_SCHEME}://${MEDIA_HOST}/${encodeURIComponent(videoId)}`,
  platform: process.platform,
  pathForFile: (file) => webUtils.getPathForFile(file),
  chooseSavePath: async (defaultName) => {
    const res: unknown = await ipcRenderer.invoke(IPC_SAVE_DIALOG, String(defaultName));
    return typeof res === 'string' ? res : null;
  },
};

contextBridge.exposeInMainWorld('framewise', bridge);
