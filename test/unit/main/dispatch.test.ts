import { describe, expect, it } from 'vitest'
import { requestChannels } from '../../../src/shared/api'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createServices } from '../../../src/main/services'
import { vettedUrl } from '../../../src/main/external-links'
import { unavailableSecretStore } from '../../../src/main/store/secrets'

const services = createServices({
  host: 'browser-harness',
  emit: () => {},
  userDataDir: '/nonexistent',
  secrets: unavailableSecretStore
})

describe('the handler table and dispatch', () => {
  it('has exactly one handler per contract channel', () => {
    expect(Object.keys(services.handlers).sort()).toEqual([...requestChannels].sort())
  })

  it('returns values as data', async () => {
    const reply = await dispatch(services.handlers, 'app:info', [])
    expect(reply).toMatchObject({ ok: true, value: { name: 'erlscope' } })
  })

  it('refuses unknown channels and malformed arguments with typed errors', async () => {
    expect(await dispatch(services.handlers, 'fs:readFile', ['/etc/passwd'])).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' }
    })
    expect(await dispatch(services.handlers, '__proto__', [])).toMatchObject({ ok: false })
    expect(await dispatch(services.handlers, 'app:info', 'x')).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' }
    })
  })

  it('turns unexpected exceptions into internal errors without throwing', async () => {
    const reply = await dispatch(
      { ...services.handlers, 'app:info': () => Promise.reject(new TypeError('boom')) },
      'app:info',
      []
    )
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'Unexpected error: boom' } })
  })

  it('opens only vetted https links', () => {
    expect(vettedUrl('recon-docs')).toMatch(/^https:\/\//)
    expect(vettedUrl('https://evil.example')).toBeNull()
    expect(vettedUrl('toString')).toBeNull()
  })
})
