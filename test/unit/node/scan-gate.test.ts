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

  it('a different scan waits its turn; a newer one takes that turn and the older is refused with busy', async () => {
    const c = clock()
    const gate = new ScanGate({ minIntervalMs: 2000, now: c.now, sleep: c.sleep })
    const d = deferred<string>()
    const ran: string[] = []
    const first = gate.run('a', 'ranking of processes by memory', () => d.promise)
    const second = gate.run('b', 'growth ranking', async () => (ran.push('b'), 'b'))
    const third = gate.run('c', 'snapshot', async () => (ran.push('c'), 'c'))
    const thirdAgain = gate.run('c', 'snapshot', async () => (ran.push('c again'), 'c'))
    await expect(second).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(
        /ranking of processes by memory.*snapshot was asked for after growth ranking/
      )
    })
    expect(gate.running()).toBe('ranking of processes by memory')
    c.t += 500
    d.resolve('a')
    expect(await first).toBe('a')
    expect(await third).toBe('c')
    expect(await thirdAgain).toBe('c')
    expect(ran).toEqual(['c'])
    // the waiting scan still gave the node its rest after the first
    expect(c.slept).toEqual([2000])
    expect(gate.running()).toBeUndefined()
    expect(gate.stats()).toEqual({ started: 2, coalesced: 1, reused: 0, refused: 1 })
  })

  it('a repeat of the running scan joins it even while another waits', async () => {
    const c = clock()
    const gate = new ScanGate({ minIntervalMs: 2000, now: c.now, sleep: c.sleep })
    const d = deferred<string>()
    let scans = 0
    const first = gate.run('a', 'a', () => (scans++, d.promise))
    const b = gate.run('b', 'b', async () => 'b')
    const a2 = gate.run('a', 'a', async () => (scans++, 'new'))
    d.resolve('old')
    expect(await first).toBe('old')
    expect(await a2).toBe('old')
    expect(await b).toBe('b')
    expect(scans).toBe(1)
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

  it('makes another scan wait out the rest', async () => {
    const c = clock()
    const gate = new ScanGate({ minIntervalMs: 2000, now: c.now, sleep: c.sleep })
    await gate.run('a', 'a', async () => 'a')
    c.t += 500
    const b = gate.run('b', 'scan b', async () => 'b')
    expect(gate.running()).toBe('scan b')
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
