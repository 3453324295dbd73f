/**
 * Native menu and file dialogs. Menu actions call the same core API the page uses; the core emits a
 * `project` event afterwards, so the page updates without the menu talking to it directly.
 */
import { basename } from 'node:path';
import { BrowserWindow, Menu, app, dialog, type MenuItemConstructorOptions } from 'electron';
import { toFramewiseError } from '../src/errors.js';
import type { Api, RecentProject } from '../src/services/contract.js';

const VIDEO_EXTENSIONS = ['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', 'mpg', 'mpeg', 'ts', 'wmv', 'flv', '3gp', 'ogv'];

export function buildMenu(api: Api, isDev: boolean, recent: readonly RecentProject[] = []): Menu {
  const withWindow = (action: (win: BrowserWindow) => Promise<void>) => async (): Promise<void> => {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
    if (!win) return;
    try {
      await action(win);
    } catch (e) {
      dialog.showErrorBox('Framewise', toFramewiseError(e).message);
    }
  };

  const newProject = withWindow(async (win) => {
    const r = await dialog.showOpenDialog(win, {
      title: 'Choose a folder for the new project',
      buttonLabel: 'Create project here',
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    });
    const dir = r.filePaths[0];
    if (r.canceled || !dir) return;
    await api['project.create']({ dir, name: basename(dir) });
  });

  const openProject = withWindow(async (win) => {
    const r = await dialog.showOpenDialog(win, {
      title: 'Open a Framewise project folder',
      properties: ['openDirectory'],
    });
    const dir = r.filePaths[0];
    if (r.canceled || !dir) return;
    await api['project.open']({ dir });
  });

  const addVideos = withWindow(async (win) => {
    const r = await dialog.showOpenDialog(win, {
      title: 'Add videos',
      properties: ['openFile', 'multiSelections'],
      filters: [
        { name: 'Videos', extensions: VIDEO_EXTENSIONS },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    if (r.canceled || r.filePaths.length === 0) return;
    const { rejected } = await api['project.addVideos']({ paths: r.filePaths });
    if (rejected.length > 0) {
      await dialog.showMessageBox(win, {
        type: 'warning',
        message: `${rejected.length} file(s) were not added`,
        detail: rejected.map((x) => `${basename(x.path)}: ${x.message}`).join('\n'),
      });
    }
  });

  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: newProject },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: openProject },
        {
          label: 'Open Recent',
          enabled: recent.length > 0,
          submenu: recent.map((r) => ({
            label: `${r.name} — ${r.root}`,
            click: withWindow(async () => void (await api['project.open']({ dir: r.root }))),
          })),
        },
        { label: 'Add Videos…', accelerator: 'CmdOrCtrl+I', click: addVideos },
        { type: 'separator' },
        isMac ? { role: 'close' } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => app.quit() },
      ],
    },
    // Edit roles make copy/paste work in text fields (on macOS they only work through the menu).
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(isDev ? [{ role: 'toggleDevTools' as const }] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
