import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, safeStorage, shell } from 'electron'
import type { IpcMainEvent, IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Emit } from '../shared/api'
import { DROPPED_PATH_CHANNEL } from '../shared/api'
import type { Question } from './ask-user'
import { bindHandlers } from './ipc/bind'
import { createServices, type Services } from './services'
import { windowOptions } from './window-options'

const rendererDevUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = join(__dirname, '../renderer/index.html')
const preloadFile = join(__dirname, '../preload/index.cjs')
const iconFile = join(__dirname, '../../resources/icon/icon.png')

let mainWindow: BrowserWindow | null = null
let services: Services | null = null

const emit: Emit = (event, payload) => {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload)
}

function isTrustedSender(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  const url = event.senderFrame?.url ?? ''
  if (rendererDevUrl && !app.isPackaged && url.startsWith(new URL(rendererDevUrl).origin)) return true
  return url.startsWith(pathToFileURL(rendererFile).toString())
}

async function pickDumpFile(): Promise<string | null> {
  const options = {
    title: 'Open crash dump',
    properties: ['openFile' as const],
    filters: [
      { name: 'Erlang crash dumps', extensions: ['dump', 'txt', 'gz', 'zst', 'xz'] },
      { name: 'All files', extensions: ['*'] }
    ]
  }
  const result = mainWindow
    ? await dialog.showOpenDialog(mainWindow, options)
    : await dialog.showOpenDialog(options)
  return result.canceled ? null : (result.filePaths[0] ?? null)
}

/** Main's own question to the user: a native dialog the renderer cannot answer or forge. */
async function askUser(question: Question): Promise<boolean> {
  const options = {
    type: 'question' as const,
    title: question.title,
    message: question.message,
    detail: question.detail,
    buttons: [question.yes, question.no],
    defaultId: 1,
    cancelId: 1,
    noLink: true
  }
  const result = mainWindow
    ? await dialog.showMessageBox(mainWindow, options)
    : await dialog.showMessageBox(options)
  return result.response === 0
}

function buildMenu(): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Crash Dump…',
          accelerator: 'CmdOrCtrl+O',
          click: () => {
            void pickDumpFile().then((path) => {
              if (!path) return
              services?.grantDumpPath(path)
              emit('app:open-dump', { path })
            })
          }
        },
        {
          label: 'Connect to Node…',
          accelerator: 'CmdOrCtrl+K',
          click: () => emit('app:show', { view: 'connect' })
        },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' }
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

function createWindow(): void {
  mainWindow = new BrowserWindow(
    windowOptions(preloadFile, nativeTheme.shouldUseDarkColors, existsSync(iconFile) ? iconFile : undefined)
  )
  const contents = mainWindow.webContents
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => (mainWindow = null))
  if (rendererDevUrl && !app.isPackaged) void mainWindow.loadURL(rendererDevUrl)
  else void mainWindow.loadFile(rendererFile)
  const dumpArg = process.argv.slice(1).find((arg) => /\.dump(\.(gz|zst|xz))?$/.test(arg) && existsSync(arg))
  if (dumpArg) {
    services?.grantDumpPath(dumpArg)
    contents.once('did-finish-load', () => emit('app:open-dump', { path: dumpArg }))
  }
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

void app.whenReady().then(() => {
  services = createServices({
    host: 'electron',
    emit,
    userDataDir: app.getPath('userData'),
    secrets: {
      isAvailable: () => safeStorage.isEncryptionAvailable(),
      encrypt: (plain) => safeStorage.encryptString(plain),
      decrypt: (cipher) => safeStorage.decryptString(cipher)
    },
    pickDumpFile,
    askUser,
    dumpWorkerPath: join(__dirname, 'dump-worker.js'),
    openExternal: (url) => shell.openExternal(url)
  })
  bindHandlers(ipcMain, services.handlers, isTrustedSender)
  const granting = services
  ipcMain.on(DROPPED_PATH_CHANNEL, (event, path: unknown) => {
    if (isTrustedSender(event) && typeof path === 'string') granting.grantDumpPath(path)
  })
  buildMenu()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('will-quit', () => {
  void services?.dispose()
})
