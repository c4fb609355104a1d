import { describe, expect, it } from 'vitest'
import { spawnRate, spawnsBetween } from '../../../src/main/node/spawn-counter'

describe('spawns from the pid counter', () => {
  // pids read on a real OTP 25 node: <0.79.0>, then after 100,000 spawns <0.1776.3>
  it('counts across serial wraps of a 15-bit number (OTP 25)', () => {
    expect(spawnsBetween({ number: 79, serial: 0 }, { number: 1776, serial: 3 })).toBe(100_001)
    expect(spawnsBetween({ number: 32767, serial: 4 }, { number: 0, serial: 5 })).toBe(1)
  })

  it('counts within one serial whatever the width of the number (OTP 27: <0.100083.0>)', () => {
    expect(spawnsBetween({ number: 80, serial: 0 }, { number: 100_083, serial: 0 })).toBe(100_003)
  })

  it('says nothing when a wide number wrapped, or pids go backwards', () => {
    expect(spawnsBetween({ number: 268_000_000, serial: 0 }, { number: 5, serial: 1 })).toBeNull()
    expect(spawnsBetween({ number: 500, serial: 2 }, { number: 400, serial: 2 })).toBeNull()
    expect(spawnsBetween({ number: 5, serial: 3 }, { number: 5, serial: 2 })).toBeNull()
  })

  it('a rate needs a positive interval', () => {
    expect(spawnRate({ number: 0, serial: 0 }, { number: 1000, serial: 0 }, 500)).toBe(2000)
    expect(spawnRate({ number: 0, serial: 0 }, { number: 1000, serial: 0 }, 0)).toBeNull()
  })
})
