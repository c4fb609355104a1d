import { describe, expect, it } from 'vitest'
import { churn, etsRow, owner, portRow, schedulerUsage } from '../../../src/main/node/convert-categories'
import { Atom, Tuple, type EVal } from '../../../src/main/node/eval-value'

const bin = (s: string): Uint8Array => new TextEncoder().encode(s)
const a = (n: string): Atom => new Atom(n)
const t = (...items: EVal[]): Tuple => new Tuple(items)
const U = a('undefined')

describe('category converters', () => {
  it('an owner keeps its pid, registered name and label; undefined is no owner', () => {
    expect(owner(t(bin('<0.9.0>'), a('Elixir.Shop.Cache'), bin('{queue,<<"orders">>}')))).toEqual({
      pid: '<0.9.0>',
      registeredName: 'Shop.Cache',
      label: '{queue,<<"orders">>}'
    })
    expect(owner(t(bin('<0.9.0>'), U, U))).toEqual({ pid: '<0.9.0>', registeredName: null, label: null })
    expect(owner(U)).toBeNull()
  })

  const port = (name: string, osPid: EVal, dist: EVal, stats: EVal[] = []): Tuple =>
    t(bin('#Port<0.5>'), bin(name), osPid, dist, U, 10, 40, 1, 2, U, U, stats, 0)

  it('tells inet, spawn, fd and distribution ports apart', () => {
    const inet = portRow(
      port('tcp_inet', U, U, [t(a('send_pend'), 123), t(a('recv_oct'), 4), t(a('send_oct'), 5)])
    )
    expect(inet).toMatchObject({ kind: 'tcp_inet', detail: null, sendPending: 123, recvOct: 4, sendOct: 5 })
    expect(portRow(port('/bin/sh -c cat', 4242, U))).toMatchObject({
      kind: 'spawn',
      detail: '/bin/sh -c cat'
    })
    expect(portRow(port('0/1', U, U))).toMatchObject({ kind: 'fd', detail: '0/1', sendPending: null })
    expect(portRow(port('tcp_inet', U, a('b@host')))).toMatchObject({ kind: 'dist', detail: 'b@host' })
    expect(portRow(port('efile', U, U))).toMatchObject({ kind: 'efile', queueBytes: 10, memoryBytes: 40 })
  })

  it('an ETS row reads names given as atoms or text', () => {
    const row = etsRow(
      t(bin('#Ref<0.1.2.3>'), a('sessions'), a('true'), U, a('set'), a('public'), 7, 800, 0, a('false'))
    )
    expect(row).toMatchObject({ id: '#Ref<0.1.2.3>', name: 'sessions', named: true, owner: null, size: 7 })
  })

  it('churn groups by parent show the name and the pid', () => {
    const r = churn(
      t(10, 12, 3, 1, 12, [t(t(a('shop'), a('churn'), 0), 5, 3)], [t(t(bin('<0.80.0>'), a('spawner'), U), 3)])
    )
    expect(r.byInitialCall).toEqual([
      {
        key: 'shop:churn/0',
        count: 5,
        born: 3,
        group: { by: 'initial_call', module: 'shop', function: 'churn', arity: 0 }
      }
    ])
    expect(r.byParent).toEqual([
      { key: 'spawner <0.80.0>', count: 3, born: 3, group: { by: 'parent', pid: '<0.80.0>' } }
    ])
    expect(r.marks).toBeNull()
  })

  it('churn groups keep the atom texts a Processes query matches on; a named parent is no group', () => {
    const r = churn(
      t(
        1,
        1,
        0,
        0,
        1,
        [t(t(a('Elixir.Shop.Worker'), a('run'), 1), 1, 0)],
        [t(t(bin('init'), a('init'), U), 2)],
        t(t(5, 0), t(9, 1))
      )
    )
    expect(r.byInitialCall[0]).toMatchObject({
      key: 'Shop.Worker.run/1',
      group: { by: 'initial_call', module: 'Elixir.Shop.Worker', function: 'run', arity: 1 }
    })
    expect(r.byParent[0].group).toBeNull()
    expect(r.marks).toEqual([
      { number: 5, serial: 0 },
      { number: 9, serial: 1 }
    ])
  })

  it('scheduler ids after the normal ones are dirty CPU, then dirty IO', () => {
    const r = schedulerUsage(t(a('false'), 2, 1, [t(1, 50, 100), t(2, 0, 100), t(3, 25, 100), t(4, 0, 0)]))
    expect(r.schedulers.map((x) => x.kind)).toEqual(['normal', 'normal', 'dirty_cpu', 'dirty_io'])
    expect(r.normal).toBeCloseTo(0.25)
    expect(r.dirtyCpu).toBeCloseTo(0.25)
    expect(r.schedulers[3].utilization).toBe(0)
    expect(r.wasEnabled).toBe(false)
  })
})
