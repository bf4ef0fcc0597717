import { CHOOSE_FOLDER_CHANNEL } from '../common/channels';
import type { ElectronLike, IpcMainInvokeEventLike } from './electron-surface';

/** `oqat:host:choose-folder`: the native folder dialog for export; resolves to the path or null. */
export function registerChooseFolder(
  electron: Pick<ElectronLike, 'ipcMain' | 'dialog' | 'BrowserWindow'>,
  isTrusted: (event: IpcMainInvokeEventLike) => boolean,
): () => void {
  electron.ipcMain.handle(CHOOSE_FOLDER_CHANNEL, async (event) => {
    if (!isTrusted(event)) return null;
    const window = electron.BrowserWindow.fromWebContents(event.sender) ?? undefined;
    const result = await electron.dialog.showOpenDialog(window, {
      title: 'Export folder', buttonLabel: 'Export here', properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  return () => electron.ipcMain.removeHandler(CHOOSE_FOLDER_CHANNEL);
}
