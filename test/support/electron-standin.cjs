// A stand-in for the `electron` module: records what the built main process does at boot, so a
// test can check it under plain Node (the Electron binary cannot run in CI). Loaded with -r.
'use strict'
const Module = require('node:module')
const { writeFileSync } = require('node:fs')

const record = {
  windows: [],
  handled: [],
  listened: [],
  menus: 0,
  loaded: [],
  errors: [],
  appEvents: [],
  senderChecks: {}
}
/** The handlers main registered with ipcMain.handle, by channel. */
const handlers = new Map()
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
    return afterLoad(require('node:url').pathToFileURL(file).href)
  }
  loadURL(url) {
    record.loaded.push({ url })
    return afterLoad(url)
  }
  isDestroyed() {
    return false
  }
  show() {}
}

/**
 * Once the window loads, calls a registered handler (`dump:list`, harmless) the way Electron
 * would for a frame of the app's own page, for a frame from elsewhere and for an event with no
 * frame, and records what main answered each: the sender check runs for real.
 */
async function afterLoad(pageUrl) {
  const handler = handlers.get('dump:list')
  if (handler) {
    const ask = async (senderFrame) => {
      try {
        return await handler({ senderFrame, sender: {} })
      } catch (e) {
        return { thrown: String(e) }
      }
    }
    record.senderChecks = {
      app: await ask({ url: pageUrl }),
      foreign: await ask({ url: 'https://attacker.example/index.html' }),
      lookalike: await ask({ url: `https://attacker.example/${pageUrl}` }),
      noFrame: await ask(null)
    }
  }
  flush()
  setTimeout(() => process.exit(0), 50)
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
    handle: (channel, fn) => {
      record.handled.push(channel)
      handlers.set(channel, fn)
    },
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
