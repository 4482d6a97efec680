/** A minimal application menu: quit, editing shortcuts, zoom, about; reload and devtools only in development. */
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

export function installMenu(opts: { version: string; getWindow: () => BrowserWindow | null }): void {
  const isMac = process.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }];
  if (!app.isPackaged) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });

  const showAbout = () => {
    const options = {
      type: 'info' as const,
      title: 'TrialDesk',
      message: `TrialDesk ${opts.version}`,
      detail: `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
      buttons: ['OK'],
    };
    const win = opts.getWindow();
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };

  const appMenu: MenuItemConstructorOptions = {
    label: 'TrialDesk',
    submenu: [{ label: 'About TrialDesk', click: showAbout }, { type: 'separator' }, { role: 'quit' }],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [appMenu] : []),
    { label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    // without the Edit roles, copy/paste shortcuts do not work in text fields on macOS
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: view },
    { role: 'help', submenu: [{ label: 'About TrialDesk', click: showAbout }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
