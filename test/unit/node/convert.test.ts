import { describe, expect, it } from 'vitest'
import {
  memoryValues,
  processDetail,
  processScan,
  rankedUnitBytes,
  systemOverview
} from '../../../src/main/node/convert'
import { parseErlang } from './term-text'

describe('collector replies to rows', () => {
  it('reads a process scan: Elixir names, proc_lib initial calls, heap words as bytes', () => {
    const scan = processScan(
      parseErlang(`{120,121,8,[{memory,1000},{memory,125},{memory,7},undefined],["<0.300.0>","<0.301.0>","<0.302.0>","<0.303.0>"],[
        {<<"<0.300.0>">>,'Elixir.MyApp.Cache',{'Elixir.MyApp.Cache',init,1},9000,3,500,8000,{gen_server,loop,7},64,1000},
        {<<"<0.301.0>">>,[],{erlang,apply,2},2000,0,10,1000,{prim_eval,'receive',2},0,125}]}`),
      'total_heap_size',
      'memory'
    )
    expect(scan).toMatchObject({ scanned: 120, processCount: 121, wordSize: 8 })
    expect(scan.ranked).toEqual([
      { pid: '<0.300.0>', value: 1000 },
      { pid: '<0.301.0>', value: 125 },
      { pid: '<0.302.0>', value: 7 }
    ])
    expect(scan.rows[0]).toEqual({
      pid: '<0.300.0>',
      registeredName: 'MyApp.Cache',
      initialCall: 'MyApp.Cache.init/1',
      label: 'MyApp.Cache',
      memory: 9000,
      messageQueueLength: 3,
      reductions: 500,
      totalHeapSize: 8000,
      binaryMemory: 64,
      currentFunction: 'gen_server:loop/7',
      sortValue: 8000
    })
    expect(scan.rows[1]).toMatchObject({
      registeredName: null,
      label: 'erlang:apply/2',
      currentFunction: "prim_eval:'receive'/2"
    })
  })

  it('growth of total heap leaves in bytes too; counts and byte sizes stay as they are', () => {
    const growth = `{1,1,4,[{d,250}],["<0.300.0>"],[{<<"<0.300.0>">>,[],{erlang,apply,2},2000,0,10,1000,{a,b,0},0,250}]}`
    expect(processScan(parseErlang(growth), 'growth', 'total_heap_size').rows[0].sortValue).toBe(1000)
    expect(processScan(parseErlang(growth), 'growth', 'memory').rows[0].sortValue).toBe(250)
    expect(processScan(parseErlang(growth), 'growth', 'reductions').rows[0].sortValue).toBe(250)
    // heap_size and stack_size are words on the node too
    expect(processScan(parseErlang(growth), 'growth', 'heap_size').rows[0].sortValue).toBe(1000)
    expect(processScan(parseErlang(growth), 'growth', 'stack_size').rows[0].sortValue).toBe(1000)
    expect(processScan(parseErlang(growth), 'growth', 'message_queue_len').rows[0].sortValue).toBe(250)
    expect(rankedUnitBytes('total_heap_size', 'memory', 8)).toBe(8)
    expect(rankedUnitBytes('binary_memory', 'total_heap_size', 8)).toBe(1)
  })

  it('reads the overview and warns above 80 % of a limit', () => {
    const sys = systemOverview(
      parseErlang(`[{node,a@h},{otp_release,<<"25">>},{version,<<"13.1.5">>},{system_version,<<"Erlang/OTP 25">>},
        {uptime,1732},{wordsize,8},{schedulers,2},{schedulers_online,2},{dirty_cpu_schedulers,2},{dirty_io_schedulers,10},
        {logical_processors,unknown},{process_count,900},{process_limit,1000},{port_count,6},{port_limit,65536},
        {atom_count,9340},{atom_limit,1048576},{ets_count,undefined},{ets_limit,8192},{run_queue,3},{memory_total,72961560}]`),
      42
    )
    expect(sys).toMatchObject({
      node: 'a@h',
      otpRelease: '25',
      ertsVersion: '13.1.5',
      runQueue: 3,
      logicalProcessors: null,
      takenAt: 42
    })
    expect(sys.processes).toEqual({ count: 900, limit: 1000, ratio: 0.9, warn: true })
    expect(sys.ports.warn).toBe(false)
    expect(sys.ets).toBeNull()
  })

  it('reads erlang:memory() and a process detail', () => {
    const m = memoryValues(
      parseErlang(
        '[{total,100},{processes,40},{processes_used,39},{system,60},{atom,5},{atom_used,4},{binary,7},{code,20},{ets,3}]'
      )
    )
    expect(m).toEqual({
      total: 100,
      processes: 40,
      processes_used: 39,
      system: 60,
      atom: 5,
      atom_used: 4,
      binary: 7,
      code: 20,
      ets: 3
    })
    const d = processDetail(
      parseErlang(`[{pid,<<"<0.9.0>">>},{registered_name,[]},{initial_call,{proc_lib,init_p,5}},{current_function,{gen_server,loop,7}},
        {status,waiting},{memory,10},{message_queue_len,0},{reductions,5},{heap_size,8},{stack_size,16},{total_heap_size,24},
        {binary_memory,0},{binary_count,0},{garbage_collection,[{minor_gcs,4},{fullsweep_after,65535}]},{trap_exit,true},
        {priority,normal},{group_leader,<<"<0.70.0>">>},{links,[<<"<0.8.0>">>]},{monitors,[]},{monitored_by,[]},
        {stacktrace,[{gen_server,loop,7,<<"gen_server.erl">>,437},{proc_lib,init_p_do_apply,3,undefined,undefined}]},
        {dictionary_size,1},{dictionary,[{<<"'$ancestors'">>,<<"[<0.8.0>]">>}]}]`)
    )
    expect(d).toMatchObject({
      registeredName: null,
      initialCall: 'proc_lib:init_p/5',
      trapExit: true,
      links: ['<0.8.0>'],
      garbageCollection: { minor_gcs: 4, fullsweep_after: 65535 },
      dictionary: [{ key: "'$ancestors'", value: '[<0.8.0>]' }]
    })
    expect(d.currentStacktrace).toEqual([
      { mfa: 'gen_server:loop/7', file: 'gen_server.erl', line: 437 },
      { mfa: 'proc_lib:init_p_do_apply/3' }
    ])
  })
})
