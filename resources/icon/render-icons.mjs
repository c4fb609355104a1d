// Renders resources/icon/icon.svg to the PNG sizes Electron and packagers use (16 … 1024, and
// icon.png at 512x512 for the window), in headless Chromium through playwright-core:
//   node resources/icon/render-icons.mjs        (CHROMIUM_PATH overrides /usr/bin/chromium)
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const svg = readFileSync(join(here, 'icon.svg'), 'utf8')

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu']
})
try {
  mkdirSync(join(here, 'png'), { recursive: true })
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 })
    const markup = svg.replace(/width="1024" height="1024"/, `width="${size}" height="${size}"`)
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${markup}</body></html>`
    )
    const outs = [join(here, 'png', `${size}x${size}.png`)]
    if (size === 512) outs.push(join(here, 'icon.png'))
    for (const path of outs)
      await page.screenshot({ path, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
    await page.close()
    console.log(`${size}x${size}`)
  }
} finally {
  await browser.close()
}
