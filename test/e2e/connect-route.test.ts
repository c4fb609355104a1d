import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Question } from '../../src/main/ask-user'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { startNode, type ErlNode } from '../support/erl-node'
import { makeSshKey, startSshServer, type SshKeyPair, type SshServer } from '../support/ssh-server'

/** The direct-tcpip targets sshd (LogLevel DEBUG1) opened for us, as `host:port`. */
const forwarded = (s: SshServer): string[] =>
  [
    ...s.log().matchAll(/server_request_direct_tcpip: originator [^ ]+ port \d+, target ([^ ]+) port (\d+)/g)
  ].map((m) => `${m[1]}:${m[2]}`)

describe('connect dialog: a route through a real SSH hop', () => {
  let node: ErlNode
  let sshd: SshServer
  let key: SshKeyPair
  let app: AppHarness
  const home = mkdtempSync(join(tmpdir(), 'erlscope-e2e-route-home-'))
  const questions: Question[] = []

  beforeAll(async () => {
    mkdirSync(join(home, '.ssh'), { recursive: true })
    key = makeSshKey(home, 'id_locked', 'open sesame')
    sshd = await startSshServer({ authorizedKeys: [key.publicLine], extraConfig: ['LogLevel DEBUG1'] })
    node = await startNode()
    app = await openApp({
      env: {
        routeEnv: { home, env: {} },
        // main's native dialog: the host key question must come here, never from the window
        askUser: async (q) => {
          questions.push(q)
          return true
        }
      }
    })
  })
  afterAll(async () => {
    await app?.close()
    await Promise.all([node?.stop(), sshd?.stop()])
    await closeBrowser()
    rmSync(home, { recursive: true, force: true })
  })

  it('fills the Route section (SSH hop and key) at 1440x900 and 1024x640', async () => {
    const { page } = app
    await page.click('.top-actions [data-action=connect]')
    const dialog = page.locator('[data-testid=connect-dialog]')
    await dialog.locator('input[name=node]').fill(node.name)
    await dialog.locator('input[name=cookie]').fill(node.cookie)
    await dialog.locator('.kind', { hasText: 'SSH hops' }).click()
    await dialog.locator('input[name=ssh-hops]').fill(`root@127.0.0.1:${sshd.port}`)
    await dialog.locator('input[name=ssh-key]').fill(key.privatePath)
    await app.screenshots('route-connect-ssh')
  })

  it('asks the host key in main’s dialog, the passphrase in the window, and connects through the hop', async () => {
    const { page } = app
    await page.click('[data-action=do-connect]')
    const prompt = page.locator('[data-testid=passphrase-prompt]')
    await prompt.waitFor({ timeout: 30_000 })
    expect(await prompt.innerText()).toContain(key.privatePath)
    await app.screenshot('route-passphrase-prompt')
    await prompt.locator('input[name=passphrase]').fill('wrong one')
    await prompt.locator('button[type=submit]').click()
    await expect.poll(() => prompt.innerText(), { timeout: 30_000 }).toContain('did not open the key')
    await prompt.locator('input[name=passphrase]').fill('open sesame')
    await prompt.locator('button[type=submit]').click()
    await page.waitForSelector('[data-testid=overview] .gauge', { timeout: 30_000 })

    expect(questions).toHaveLength(1)
    expect(questions[0].detail).toContain(sshd.fingerprint)
    expect(readFileSync(join(home, '.ssh', 'known_hosts'), 'utf8').trim()).toBe(sshd.knownHostsLine)
    expect(forwarded(sshd)).toContain(`${node.host}:4369`)

    const route = page.locator('[data-testid=session-route]')
    expect(await route.innerText()).toBe(`SSH root@127.0.0.1:${sshd.port}`)
    await app.screenshots('route-connected-status')
  })
})
