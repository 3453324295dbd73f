/**
 * The native save dialog for exports: the page asks for a path, the person chooses, and the path
 * goes back into export.file like any other argument. Only our own page may ask.
 */
import { BrowserWindow, dialog, ipcMain } from 'electron';
import { extname } from 'node:path';
import { IPC_SAVE_DIALOG } from './bridge.js';

const FILTERS: Record<string, string> = {
  '.csv': 'CSV',
  '.json': 'JSON',
  '.srt': 'SubRip subtitles',
  '.vtt': 'WebVTT subtitles',
  '.zip': 'ZIP archive',
};

export function registerDialogHandlers(isTrustedUrl: (url: string) => boolean): void {
  ipcMain.handle(IPC_SAVE_DIALOG, async (e, defaultName: unknown): Promise<string | null> => {
    if (!e.senderFrame || !isTrustedUrl(e.senderFrame.url)) return null;
    const name = typeof defaultName === 'string' ? defaultName.replace(/[\\/]/g, '_').slice(0, 200) : 'export';
    const ext = extname(name).toLowerCase();
    const win = BrowserWindow.fromWebContents(e.sender);
    const options = {
      defaultPath: name,
      filters: FILTERS[ext] ? [{ name: FILTERS[ext], extensions: [ext.slice(1)] }] : [],
    };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  });
}
