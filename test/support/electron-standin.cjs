// A stand-in for the `electron` module: records what the built main process does at boot, so a
// test can check it under plain Node (the Electron binary cannot run in CI). Loaded with -r.
'use strict'
const Module = require('node:module')
const { writeFileSync } = require('node:fs')

const record = { windows: [], handled: [], listened: [], menus: 0, loaded: [], errors: [], appEvents: [] }
const out = process.env.ERLSCOPE_BOOT_RECORD
const flush = () => out && writeFileSync(out, JSON.stringify(record, null, 2))
process.on('uncaughtException', (e) => {
  record.errors.push(String(e && e.stack ? e.stack : e))
  flush()
  process.exit(1)
})
process.on('unhandledRejection', (e) => {
  record.errors.push(String(e && e.stack ? e.stack : e))
  flush()
  process.exit(1)
})

class Emitter {
  constructor() {
    this.handlers = {}
  }
  on(ev, fn) {
    ;(this.handlers[ev] ||= []).push(fn)
    return this
  }
  once(ev, fn) {
    return this.on(ev, fn)
  }
  removeListener() {
    return this
  }
}

class WebContents extends Emitter {
  setWindowOpenHandler(fn) {
    record.windowOpenHandler = fn({ url: 'https://example.com' })
  }
  send() {}
}

class BrowserWindow extends Emitter {
  constructor(options) {
    super()
    record.windows.push(options)
    this.webContents = new WebContents()
  }
  static getAllWindows() {
    return []
  }
  loadFile(file) {
    record.loaded.push({ file })
    flush()
    setTimeout(() => process.exit(0), 50)
    return Promise.resolve()
  }
  loadURL(url) {
    record.loaded.push({ url })
    flush()
    setTimeout(() => process.exit(0), 50)
    return Promise.resolve()
  }
  isDestroyed() {
    return false
  }
  show() {}
}

const app = Object.assign(new Emitter(), {
  isPackaged: true,
  whenReady: () => Promise.resolve(),
  getPath: (name) => require('node:os').tmpdir() + '/erlscope-boot-' + name,
  getVersion: () => '0.0.0',
  quit() {}
})
const origOn = app.on.bind(app)
app.on = (ev, fn) => {
  record.appEvents.push(ev)
  return origOn(ev, fn)
}

const electron = {
  app,
  BrowserWindow,
  ipcMain: {
    handle: (channel) => record.handled.push(channel),
    on: (channel) => record.listened.push(channel),
    removeHandler() {}
  },
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu: () => record.menus++ },
  dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  shell: { openExternal: async () => undefined },
  nativeTheme: { shouldUseDarkColors: false },
  safeStorage: {
    isEncryptionAvailable: () => false,
    encryptString: () => {
      throw new Error('unavailable')
    },
    decryptString: () => {
      throw new Error('unavailable')
    }
  }
}

const load = Module._load
Module._load = function (request, parent, isMain) {
  if (request === 'electron') return electron
  return load.call(this, request, parent, isMain)
}
