/**
 * A live OTP 27 node (../shared/tools/build-otp.sh) through the real distribution client: connect,
 * system and memory, the process top, and one process's detail with its proc_lib:set_label/1 label.
 * Skips with a printed reason when the OTP 27 erl is absent.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createNodeHandlers, type NodeHandlers } from '../../../src/main/node/handlers'
import { startNode, type ErlNode } from '../../support/erl-node'
import { OTP27_ERL, otp27Missing } from '../../support/otp27'
import { testSecretStore } from '../../support/test-secrets'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

const missing = otp27Missing()
if (missing) console.log(missing)

describe.skipIf(missing !== null)('a live OTP 27 node', () => {
  let node: ErlNode
  let dir: string
  let api: NodeHandlers
  let sessionId: string
  let pid: string

  beforeAll(async () => {
    node = await startNode({ erl: OTP27_ERL })
    pid = (
      await node.eval(`
        Self = self(),
        P = proc_lib:spawn(fun() ->
          proc_lib:set_label({order_worker, 7}),
          Self ! {labelled, self()},
          receive stop -> ok end
        end),
        receive {labelled, P} -> ok end,
        B = binary:copy(<<1>>, 2000000),
        [P ! {batch, N, B} || N <- lists:seq(1, 50)],
        pid_to_list(P)`)
    ).replace(/^"|"$/g, '')
    dir = mkdtempSync(join(tmpdir(), 'erlscope-otp27-live-'))
    api = createNodeHandlers({
      emit: () => undefined,
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector: liveConnector() ?? bridgeConnector()
    })
    sessionId = (
      await api.handlers['node:connect']({ node: node.name, cookie: node.cookie, intervalMs: 60_000 })
    ).sessionId
  }, 60_000)

  afterAll(async () => {
    await api?.dispose()
    await node?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('reports OTP 27 and its memory', async () => {
    const system = await api.handlers['node:system'](sessionId)
    expect(system.otpRelease).toBe('27')
    expect(system.memoryTotal).toBeGreaterThan(0)
    // the first background sample is one remote eval after the connect: wait for it, do not race it
    await vi.waitFor(
      async () => expect((await api.handlers['node:memory-history'](sessionId)).length).toBeGreaterThan(0),
      { timeout: 20_000 }
    )
  })

  it('ranks the labelled process first by queue length and shows its label', async () => {
    const page = await api.handlers['node:processes'](sessionId, {
      sortBy: 'message_queue_len',
      limit: 5,
      offset: 0
    })
    const top = page.rows[0]
    expect(top.pid).toBe(pid)
    expect(top.messageQueueLength).toBe(50)
    expect(top.processLabel).toBe('{order_worker,7}')
    expect(top.label).toBe('{order_worker,7}')
  })

  it('opens the process with its label in the dictionary', async () => {
    const detail = await api.handlers['node:process'](sessionId, pid)
    expect(detail.messageQueueLength).toBe(50)
    const label = detail.dictionary.find((e) => e.key === "'$process_label'")
    expect(label?.value).toBe('{order_worker,7}')
  })
})
