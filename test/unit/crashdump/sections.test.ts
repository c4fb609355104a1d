/** Section parsers on the exact lines real VMs write (whole dumps: corpus and integration tests). */
import { describe, expect, it } from 'vitest'
import { parseAllocator, summarizeAllocators } from '../../../src/main/crashdump/sections/allocator'
import { memoryAnomalies, procAnomalies } from '../../../src/main/crashdump/sections/anomalies'
import type { ProcColumns } from '../../../src/main/crashdump/dump-index'
import { explainSlogan } from '../../../src/main/crashdump/sections/slogan'

describe('explainSlogan', () => {
  it.each([
    ['eheap_alloc: Cannot allocate 1234 bytes of memory (of type "heap").', 'process_heap', 1234],
    ['binary_alloc: Cannot allocate 99 bytes of memory (of type "binary").', 'binary', 99],
    ['ets_alloc: Cannot allocate 7 bytes of memory (of type "db_term", thread 3).', 'allocation', 7]
  ])('%s', (slogan, category, bytes) => {
    const x = explainSlogan(slogan)
    expect(x.category).toBe(category)
    expect(x.requestedBytes).toBe(bytes)
    expect(x.reason).toBeNull()
  })
  it('names the allocator and type when it is neither heap nor binary', () => {
    const x = explainSlogan('ets_alloc: Cannot allocate 7 bytes of memory (of type "db_term").')
    expect(x.title).toBe('Memory allocation failed in ets_alloc')
    expect(x.detail).toContain('7 bytes of "db_term" from ets_alloc')
  })
  it('reads a whole and a cut "Kernel pid terminated" slogan', () => {
    const whole = explainSlogan('Kernel pid terminated (application_controller) ({app,x})')
    expect(whole).toMatchObject({ category: 'application_failure', reason: '{app,x}', requestedBytes: null })
    expect(whole.title).toBe('A kernel process terminated (application_controller)')
    expect(whole.detail).not.toMatch(/cut/)
    const cut = explainSlogan('Kernel pid terminated (application_controller) ({app,{x,y')
    expect(cut.title).toBe('A kernel process terminated (application_controller)')
    expect(cut.reason).toBe('{app,{x,y')
    expect(cut.detail).toMatch(/cut the slogan short/)
    expect(explainSlogan('Kernel pid terminated').reason).toBeNull()
  })
  it.each([
    ['init terminating in do_boot ({undef,[{m,f,[]}]})', 'boot_failure', '{undef,[{m,f,[]}]}'],
    ['Runtime terminating during boot (oops)', 'boot_failure', 'oops'],
    [
      'could not start kernel pid (application_controller) (error in config file)',
      'boot_failure',
      'error in config file'
    ],
    ['Crash dump requested by user', 'requested', null],
    ['Received SIGUSR1', 'requested', null],
    ['Too many processes', 'system_limit', null],
    ['no more index entries in atom_tab (max=1048576)', 'system_limit', null],
    ['The maximum number of ETS tables has been reached', 'system_limit', null],
    ['erl_child_setup closed', 'child_setup', null],
    ['halted by me', 'halt', 'halted by me'],
    ['', 'other', null]
  ])('%s', (slogan, category, reason) => {
    const x = explainSlogan(slogan)
    expect(x.category).toBe(category)
    expect(x.reason).toBe(reason)
    expect(x.requestedBytes).toBeNull()
  })
  it('tells the system limits apart', () => {
    expect(explainSlogan('Too many processes').title).toBe('The process limit was reached')
    expect(explainSlogan('no more index entries in atom_tab').title).toBe('The atom table is full')
    expect(explainSlogan('maximum number of ETS tables').title).toBe('The ETS table limit was reached')
    expect(explainSlogan('emfile: Too many open files').title).toBe(
      'The port or file-descriptor limit was reached'
    )
    expect(explainSlogan(null).title).toBe('No slogan')
  })
})

describe('allocator sections', () => {
  it('sums the OTP 23+ blocks[TYPE] size form and the older one, current values only', () => {
    const otp25 = parseAllocator(
      'binary_alloc[1]',
      [
        'versions: 0.9 3.0',
        'mbcs blocks[binary_alloc] count: 1 2 3',
        'mbcs blocks[binary_alloc] size: 100 200 300',
        'mbcs blocks[ets_alloc] size: 5 6 7',
        'mbcs carriers size: 1000 1000 1000',
        'sbcs blocks[binary_alloc] size: 50 60 70',
        'sbcs carriers size: 400 400 400',
        'mbcs_pool blocks[binary_alloc] size: 9',
        'mbcs_pool carriers size: 64'
      ].join('\n')
    )
    expect(otp25).toMatchObject({ name: 'binary_alloc', instance: 1, blocksSize: 164, carriersSize: 1464 })
    expect(otp25.usage).toBeCloseTo(164 / 1464)
    expect(otp25.lines[1]).toEqual({ key: 'mbcs blocks[binary_alloc] count', values: ['1', '2', '3'] })
    const old = parseAllocator('eheap_alloc[0]', 'mbcs blocks size: 10 20 30\nmbcs carriers size: 40 50 60\n')
    expect(old).toMatchObject({ instance: 0, blocksSize: 10, carriersSize: 40, usage: 0.25 })
    const plain = parseAllocator('sys_alloc', 'option e: true\n')
    expect(plain).toMatchObject({
      name: 'sys_alloc',
      instance: null,
      blocksSize: null,
      carriersSize: null,
      usage: null
    })
    expect(summarizeAllocators([otp25, old, plain])).toEqual([
      { name: 'binary_alloc', instances: 1, blocksSize: 164, carriersSize: 1464, usage: 164 / 1464 },
      { name: 'eheap_alloc', instances: 1, blocksSize: 10, carriersSize: 40, usage: 0.25 }
    ])
  })
})

describe('anomalies', () => {
  const columns = (
    rows: { pid: string; msgq?: number; reds?: number; sh?: number; old?: number; mem?: number }[]
  ): ProcColumns =>
    ({
      count: rows.length,
      pid: rows.map((r) => r.pid),
      msgq: Float64Array.from(rows.map((r) => r.msgq ?? 0)),
      reds: Float64Array.from(rows.map((r) => r.reds ?? 0)),
      stackHeap: Float64Array.from(rows.map((r) => r.sh ?? 0)),
      oldHeap: Float64Array.from(rows.map((r) => r.old ?? 0)),
      binVHeap: new Float64Array(rows.length),
      memory: Float64Array.from(rows.map((r) => r.mem ?? NaN))
    }) as unknown as ProcColumns

  it('says nothing about sound values, whatever their size', () => {
    expect(
      procAnomalies(
        columns([{ pid: '<0.1.0>', msgq: 2 ** 40, sh: 2 ** 47, mem: 2 ** 50, reds: 2 ** 53 - 1 }])
      )
    ).toEqual([])
    expect(
      memoryAnomalies({
        total: 2 ** 50,
        processes: 0,
        processes_used: null,
        system: 1,
        atom: 1,
        atom_used: 1,
        binary: 1,
        code: 1,
        ets: 1
      })
    ).toEqual([])
  })
  it('names up to three processes per anomaly and counts the others', () => {
    const rows = ['<0.1.0>', '<0.2.0>', '<0.3.0>', '<0.4.0>'].map((pid) => ({ pid, old: -1 }))
    expect(procAnomalies(columns(rows))).toEqual([
      '4 processes have a negative “OldHeap” (<0.1.0>, <0.2.0>, <0.3.0> and 1 more): the dump was damaged or edited, and totals that include it are wrong.'
    ])
  })
  it('flags each field past its limit, and a process listed twice once', () => {
    const w = procAnomalies(
      columns([
        { pid: '<0.1.0>', msgq: 2 ** 40 + 1 },
        { pid: '<0.1.0>', reds: -5 },
        { pid: '<0.1.0>', sh: 2 ** 47 + 1, mem: 2 ** 50 + 1 }
      ])
    )
    expect(w[0]).toMatch(/^1 process has more than one =proc section \(<0\.1\.0>\)/)
    expect(w.slice(1).map((x) => x.slice(0, 60))).toEqual([
      '1 process has an impossibly large “Message queue length” (<0',
      '1 process has a negative “Reductions” (<0.1.0>): the dump wa',
      '1 process has an impossibly large “Stack+heap” (<0.1.0>): th',
      '1 process has an impossibly large “Memory” (<0.1.0>): the du'
    ])
    expect(
      memoryAnomalies({
        total: -1,
        processes: 2 ** 50 + 1,
        processes_used: null,
        system: null,
        atom: null,
        atom_used: null,
        binary: null,
        code: null,
        ets: null
      })
    ).toEqual([
      `The =memory section holds impossible values (total = -1, processes = ${2 ** 50 + 1}): the dump was damaged or edited, so the memory figures are not to be trusted.`
    ])
  })
})
