import type { MenuItemOptions } from './electron-surface';

export interface MenuActions {
  /** asks the renderer to show a route, e.g. '#/new' */
  navigate(hash: string): void;
  toggleTheme(): void;
}

/** The application menu: screens with accelerators, theme, the usual edit/view/window roles. */
export function appMenuTemplate(actions: MenuActions, platform: string): MenuItemOptions[] {
  const go = (label: string, hash: string, accelerator?: string): MenuItemOptions => ({
    label, accelerator, click: () => actions.navigate(hash),
  });
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' }] : []),
    {
      label: 'File',
      submenu: [
        go('New Run…', '#/new', 'CmdOrCtrl+N'),
        go('Export Candidate…', '#/export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        { role: platform === 'darwin' ? 'close' : 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        go('Runs', '#/runs', 'CmdOrCtrl+1'),
        go('New Run', '#/new', 'CmdOrCtrl+2'),
        go('Search', '#/search', 'CmdOrCtrl+3'),
        go('Compare', '#/compare', 'CmdOrCtrl+4'),
        go('Export', '#/export', 'CmdOrCtrl+5'),
        { type: 'separator' },
        { label: 'Toggle Dark/Light Theme', accelerator: 'CmdOrCtrl+Shift+L', click: () => actions.toggleTheme() },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
}
