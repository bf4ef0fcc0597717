import { CHOOSE_FOLDER_CHANNEL } from '../common/channels';
import type { ElectronLike, IpcMainInvokeEventLike } from './electron-surface';

/**
 * `oqat:host:choose-folder`: the native folder dialog for export; resolves to
 * the path or null. A folder the user chose here is one the service may then
 * export to (`allowFolder`): paths the page sends otherwise stay under the
 * store's work folder.
 */
export function registerChooseFolder(
  electron: Pick<ElectronLike, 'ipcMain' | 'dialog' | 'BrowserWindow'>,
  isTrusted: (event: IpcMainInvokeEventLike) => boolean,
  allowFolder: (dir: string) => void = () => undefined,
): () => void {
  electron.ipcMain.handle(CHOOSE_FOLDER_CHANNEL, async (event) => {
    if (!isTrusted(event)) return null;
    const window = electron.BrowserWindow.fromWebContents(event.sender) ?? undefined;
    const result = await electron.dialog.showOpenDialog(window, {
      title: 'Export folder', buttonLabel: 'Export here', properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    });
    const chosen = result.canceled ? undefined : result.filePaths[0];
    if (!chosen) return null;
    allowFolder(chosen);
    return chosen;
  });
  return () => electron.ipcMain.removeHandler(CHOOSE_FOLDER_CHANNEL);
}
