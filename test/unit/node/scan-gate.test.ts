import { describe, expect, it } from 'vitest'
import { ScanGate } from '../../../src/main/node/scan-gate'

/** A clock the test moves by hand; `sleep` advances it (so nothing here waits on wall time). */
function clock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[]; t: number } {
  const c = {
    t: 1000,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms)
      c.t += ms
    }
  }
  return c
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('scan gate', () => {
  it('coalesces identical requests into one scan', async () => {
    const c = clock()
    const gate = new ScanGate({ now: c.now, sleep: c.sleep })
    const d = deferred<number[]>()
    let scans = 0
    const scan = (): Promise<number[]> => {
      scans++
      return d.promise
    }
    const all = Promise.all([1, 2, 3, 4, 5].map(() => gate.run('top:memory', 'top by memory', scan)))
    await Promise.resolve()
    d.resolve([42])
    const results = await all
    expect(scans).toBe(1)
    expect(new Set(results).size).toBe(1)
    expect(results[0]).toEqual([42])
    expect(gate.stats()).toEqual({ started: 1, coalesced: 4, reused: 0, refused: 0 })
  })

  it('refuses a different scan while one runs, with busy and a sentence naming both', async () => {
    const c = clock()
    const gate = new ScanGate({ now: c.now, sleep: c.sleep })
    const d = deferred<string>()
    const first = gate.run('a', 'top processes by memory', () => d.promise)
    await expect(gate.run('b', 'growth ranking', async () => 'b')).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/top processes by memory.*growth ranking/)
    })
    expect(gate.running()).toBe('top processes by memory')
    d.resolve('a')
    expect(await first).toBe('a')
    expect(gate.running()).toBeUndefined()
    expect(gate.stats().refused).toBe(1)
  })

  it('answers a repeat inside the rest from the last result, and scans again after it', async () => {
    const c = clock()
    const gate = new ScanGate({ minIntervalMs: 2000, now: c.now, sleep: c.sleep })
    let scans = 0
    const scan = async (): Promise<number> => ++scans
    expect(await gate.run('k', 'k', scan)).toBe(1)
    c.t += 1999
    expect(await gate.run('k', 'k', scan)).toBe(1)
    expect(scans).toBe(1)
    c.t += 1
    expect(await gate.run('k', 'k', scan)).toBe(2)
    expect(c.slept).toEqual([])
    expect(gate.stats()).toMatchObject({ started: 2, reused: 1 })
  })

  it('makes another scan wait out the rest, and holds the slot while it waits', async () => {
    const c = clock()
    const gate = new ScanGate({ minIntervalMs: 2000, now: c.now, sleep: c.sleep })
    await gate.run('a', 'a', async () => 'a')
    c.t += 500
    const b = gate.run('b', 'scan b', async () => 'b')
    await expect(gate.run('c', 'c', async () => 'c')).rejects.toMatchObject({ code: 'busy' })
    expect(await b).toBe('b')
    expect(c.slept).toEqual([1500])
  })

  it('a long scan buys the node as long a rest', async () => {
    const c = clock()
    const gate = new ScanGate({ minIntervalMs: 2000, now: c.now, sleep: c.sleep })
    await gate.run('a', 'a', async () => {
      c.t += 7000
      return 'a'
    })
    c.t += 1000
    await gate.run('b', 'b', async () => 'b')
    expect(c.slept).toEqual([6000])
  })

  it('a failed scan fails everyone who joined it, keeps no result, still rests, never wedges', async () => {
    const c = clock()
    const gate = new ScanGate({ minIntervalMs: 2000, now: c.now, sleep: c.sleep })
    const d = deferred<string>()
    const joined = [gate.run('a', 'a', () => d.promise), gate.run('a', 'a', () => d.promise)]
    d.reject(new Error('node went away'))
    for (const p of joined) await expect(p).rejects.toThrow('node went away')
    let again = 0
    await gate.run('a', 'a', async () => ++again)
    expect(again).toBe(1)
    expect(c.slept).toEqual([2000])
    const sync = (): Promise<string> => {
      throw new Error('thrown before any promise')
    }
    c.t += 5000
    await expect(gate.run('s', 's', sync)).rejects.toThrow('thrown before any promise')
    c.t += 5000
    expect(await gate.run('t', 't', async () => 't')).toBe('t')
  })

  it('forget() drops the kept result', async () => {
    const c = clock()
    const gate = new ScanGate({ now: c.now, sleep: c.sleep })
    let scans = 0
    await gate.run('k', 'k', async () => ++scans)
    gate.forget()
    expect(await gate.run('k', 'k', async () => ++scans)).toBe(2)
  })
})
