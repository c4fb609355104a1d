import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SectionOf } from '../../../src/shared/contract/dump'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { runCli } from '../../support/cli-runner'
import { writeDump, type Generated } from '../../support/dump-writer'
import { SELF, atomLeakTo, binaryHolder, etsOwner, stuckSender } from '../../support/dump-culprits'

/**
 * Dumps written by a real erl seeded with one problem each: an atom leak near the `+t` limit, an
 * atom table that filled up, a big module loaded twice (old code), and families of processes
 * started by two registered parents (plain spawn, and proc_lib past the dictionary-read cap).
 * The node writes its own numbers (space-separated) to the `expected` file before halting.
 */
let dir: string
let atoms: Generated
let atomsFull: Generated
let modules: Generated
let families: Generated
/** Every culprit at once, for the report: ETS owner, stuck port, binary holder, a crowd, atoms. */
let culprits: Generated

const ATOM_LIMIT = 20_000

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-dump-categories-'))
  // file:write_file once before measuring, so that writing the numbers makes no atoms after it
  atoms = await writeDump(
    dir,
    'atoms',
    `ok = file:write_file(Expected, <<"warm-up">>),
     Start = erlang:system_info(atom_count),
     Limit = erlang:system_info(atom_limit),
     [list_to_atom("erlscope_leak_" ++ integer_to_list(I)) || I <- lists:seq(1, Limit * 85 div 100 - Start)],
     Facts = io_lib:format("~b ~b ~b ~b", [Limit, erlang:system_info(atom_count),
                                           erlang:memory(atom), erlang:memory(atom_used)]),
     ok = file:write_file(Expected, Facts),
     erlang:halt("atom leak")`,
    {},
    ['+t', String(ATOM_LIMIT)]
  )
  atomsFull = await writeDump(
    dir,
    'atoms-full',
    `[list_to_atom("erlscope_leak_" ++ integer_to_list(I)) || I <- lists:seq(1, 100000)],
     erlang:halt("not reached")`,
    {},
    ['+t', String(ATOM_LIMIT)]
  )
  modules = await writeDump(
    dir,
    'modules',
    `Names = [list_to_atom("f" ++ integer_to_list(I)) || I <- lists:seq(1, 8000)],
     Fns = [{function, 1, F, 1, [{clause, 1, [{var, 1, 'X'}], [],
             [{tuple, 1, [{atom, 1, F}, {var, 1, 'X'}, {integer, 1, 7}]}]}]} || F <- Names],
     Forms = [{attribute, 1, module, erlscope_big_mod}, {attribute, 1, export, [{F, 1} || F <- Names]} | Fns],
     {ok, erlscope_big_mod, Bin} = compile:forms(Forms, []),
     {module, _} = code:load_binary(erlscope_big_mod, "erlscope_big_mod.erl", Bin),
     {module, _} = code:load_binary(erlscope_big_mod, "erlscope_big_mod.erl", Bin),
     true = erlang:check_old_code(erlscope_big_mod),
     ok = file:write_file(Expected, io_lib:format("~b", [erlang:memory(code)])),
     erlang:halt("old code")`
  )
  families = await writeDump(
    dir,
    'families',
    `Self = self(),
     Spawner = spawn(fun() ->
       register(erlscope_spawner, self()),
       _ = [spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, 1500)],
       Self ! {ready, self()},
       receive never -> ok end
     end),
     receive {ready, Spawner} -> ok end,
     Parent = spawn(fun() ->
       register(erlscope_pl_parent, self()),
       _ = [proc_lib:spawn(erlang, hibernate, [timer, sleep, [infinity]]) || _ <- lists:seq(1, 5300)],
       Self ! {ready, self()},
       receive never -> ok end
     end),
     receive {ready, Parent} -> ok end,
     timer:sleep(300),
     ProcLib = length([P || P <- processes(),
                            process_info(P, initial_call) =:= {initial_call, {proc_lib, init_p, 5}}]),
     ok = file:write_file(Expected, io_lib:format("~s ~s ~b", [pid_to_list(Spawner), pid_to_list(Parent), ProcLib])),
     erlang:halt("families")`
  )
  culprits = await writeDump(
    dir,
    'culprits',
    `${SELF}
     _Crowd = [spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, 3000)],
     ${binaryHolder(8)}
     ${etsOwner(60000)}
     ${stuckSender(4)}
     ${atomLeakTo(17000)}
     erlang:halt("culprits")`,
    {},
    ['+t', String(ATOM_LIMIT)]
  )
}, 180_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const facts = (g: Generated): string[] => readFileSync(g.expected, 'utf8').trim().split(' ')

async function withDump<T>(g: Generated, use: (d: DumpFile) => Promise<T>): Promise<T> {
  const d = await DumpFile.open(await indexDumpFile(g.dump))
  try {
    return await use(d)
  } finally {
    await d.close()
  }
}

describe('atoms against the limit (real erl with +t 20000)', () => {
  it('reads the count and limit the node had, and the atom memory, and says the table is nearly full', async () => {
    const [limit, count, atom, atomUsed] = facts(atoms).map(Number)
    expect(limit).toBe(ATOM_LIMIT)
    await withDump(atoms, async (d) => {
      const a = (await d.section('atoms', { limit: 10 })) as SectionOf<'atoms'>
      expect(a.limit).toBe(limit)
      // halting writes a few hundred atoms of its own (table names) after the node's last count
      expect(a.count).toBeGreaterThanOrEqual(count)
      expect((a.count ?? 0) - count).toBeLessThan(1000)
      // the =atoms section lists every atom of the table
      expect(a.total).toBe(a.count)
      expect(a.memoryAtom).toBeGreaterThanOrEqual(atom)
      expect(a.memoryAtomUsed).toBeGreaterThanOrEqual(atomUsed)
      const leaked = (await d.section('atoms', { filter: 'erlscope_leak_', limit: 1 })) as SectionOf<'atoms'>
      expect(leaked.total).toBeGreaterThan(limit * 0.4)
      const s = await d.summary('t')
      expect(s.limits.atoms).toEqual({ used: a.count, limit })
      const finding = s.findings.find((f) => f.startsWith('The atom table is'))
      const pct = Math.round(((a.count ?? 0) / limit) * 100)
      expect(finding).toContain(
        `The atom table is ${pct} % full (${(a.count ?? 0).toLocaleString('en-US')} of 20,000 atoms`
      )
      expect(finding).toMatch(/list_to_atom/)
    })
  })

  it('a node killed by a full atom table: the count is the limit', async () => {
    await withDump(atomsFull, async (d) => {
      const s = await d.summary('t')
      expect(s.header.slogan).toMatch(/no more index entries in atom_tab \(max=20000\)/)
      expect(s.limits.atoms.limit).toBe(ATOM_LIMIT)
      expect(s.limits.atoms.used).toBeGreaterThanOrEqual(ATOM_LIMIT - 5)
      // the VM's own last atoms, written while dumping, go past the limit (20,480 of 20,000 seen)
      expect(s.findings.find((f) => f.startsWith('The atom table is full'))).toMatch(
        /^The atom table is full \(20,\d{3} atoms, limit 20,000, [\d.]+ KiB\)/
      )
    })
  })
})

describe('modules by size (a module loaded twice)', () => {
  it('puts the big module first with its old code, and sums the sizes against =memory code', async () => {
    const [code] = facts(modules).map(Number)
    await withDump(modules, async (d) => {
      const m = (await d.section('modules', { limit: 10_000 })) as SectionOf<'modules'>
      const first = m.modules.modules[0]
      expect(first.name).toBe('erlscope_big_mod')
      expect(first.oldSize).toBe(first.currentSize)
      expect(first.currentSize).toBeGreaterThan(1 << 20)
      expect(m.modules.withOldCode).toBe(1)
      expect(m.modules.oldCode).toBe(first.oldSize)
      expect(m.modules.modulesBytes).toBe((m.modules.currentCode ?? 0) + (m.modules.oldCode ?? 0))
      // =memory code is what erlang:memory(code) said just before the halt, give or take
      expect(Math.abs((m.modules.memoryCode ?? 0) - code) / code).toBeLessThan(0.05)
      expect(m.modules.modulesBytes).toBeLessThanOrEqual(m.modules.memoryCode ?? 0)
    })
  })
})

describe('processes grouped by parent ($ancestors, else Spawned by)', () => {
  it('counts each family, filters the process table to it, and says what the read cap left out', async () => {
    const [spawnerPid, parentPid, procLibText] = facts(families)
    const procLib = Number(procLibText)
    await withDump(families, async (d) => {
      const s = await d.summary('t')
      const spawner = s.parents.find((g) => g.parent === 'erlscope_spawner')
      expect(spawner).toMatchObject({ pid: spawnerPid, count: 1500 })
      const kids = await d.processes({ group: { by: 'parent', key: 'erlscope_spawner' }, limit: 5000 })
      expect(kids.matched).toBe(1500)
      expect(new Set(kids.rows.map((r) => r.spawnedAs))).toEqual(new Set(['timer:sleep/1']))
      expect(spawner?.memoryBytes).toBe(kids.rows.reduce((a, r) => a + (r.memoryBytes ?? 0), 0))

      // 5,300 proc_lib children: their dictionaries are read up to the cap of 5,000 proc_lib processes
      expect(s.groupReads.dictionaryCap).toBe(5000)
      expect(s.groupReads.dictionaries).toBe(5000)
      expect(s.groupReads.dictionariesSkipped).toBe(procLib - 5000)
      const family = s.parents[0]
      expect(family).toMatchObject({ parent: 'erlscope_pl_parent', pid: parentPid })
      const others = procLib - 5300
      expect(family.count).toBeGreaterThanOrEqual(5000 - others)
      expect(family.count).toBeLessThanOrEqual(5000)
      const theirs = await d.processes({ group: { by: 'parent', key: 'erlscope_pl_parent' }, limit: 5000 })
      expect(theirs.matched).toBe(family.count)
      // proc_lib processes: the table shows their '$initial_call' and keeps the dump's Spawned as
      expect(
        theirs.rows.every((r) => r.spawnedVia === 'proc_lib:init_p/5' && r.spawnedAs === 'erlang:hibernate/3')
      ).toBe(true)
      expect(s.findings).toContain(
        `${family.count.toLocaleString('en-US')} of ${s.counts.processes.toLocaleString('en-US')} processes (${Math.round((family.count / s.counts.processes) * 100)} %) were started by erlscope_pl_parent (${parentPid}), holding ${
          // the sentence's size is the summed memory, humanized
          /holding ([^)]+?) together/.exec(
            s.findings.find((f) => f.includes('erlscope_pl_parent')) ?? ''
          )?.[1]
        } together.`
      )

      // the initial-call groups filter the same way, the group filter joins the text filter
      const hib = s.initialCalls.find((g) => g.call === 'erlang:hibernate/3')
      expect(hib?.count).toBe(family.count)
      const byCall = await d.processes({ group: { by: 'initialCall', key: 'erlang:hibernate/3' }, limit: 1 })
      expect(byCall.matched).toBe(hib?.count)
      const both = await d.processes({
        group: { by: 'parent', key: 'erlscope_spawner' },
        filter: 'timer:sleep',
        limit: 1
      })
      expect(both.matched).toBe(1500)
      const none = await d.processes({ group: { by: 'parent', key: 'no_such_parent' } })
      expect(none.matched).toBe(0)
      await expect(d.processes({ group: { by: 'colour' as 'parent', key: 'x' } })).rejects.toThrow(
        /initialCall \| parent/
      )
    })
  })
})

describe('erlscope report names every culprit (real dispatcher)', () => {
  const culpritFindings = [
    /^ETS takes \d+ % of memory; the largest table is erlscope_big_cache \([\d.]+ MiB\), owned by <0\.\d+\.0> \(erlscope_cache_owner\)\.$/,
    /^Port #Port<0\.\d+> \(tcp_inet\) of <0\.\d+\.0> \(erlscope_stuck_sender\) has [\d.]+ MiB queued/,
    /^<0\.\d+\.0> \(erlscope_bin_holder\)( in [^ ]+)? references 8\.\d+ MiB of refc binaries/,
    /^3,000 of [\d,]+ processes \(\d+ %\) were spawned as timer:sleep\/1/,
    /^The atom table is 8\d % full \(1\d,\d{3} of 20,000 atoms, [\d.]+ KiB\)/
  ]

  it('text: the findings, atoms against the limit, groups, binary holders, ETS owner names', async () => {
    const r = await runCli(['report', culprits.dump, '--no-cache'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const lines = r.out.split('\n')
    const findings = lines.filter((l) => l.startsWith('  - ')).map((l) => l.slice(4))
    for (const re of culpritFindings)
      expect(
        findings.some((f) => re.test(f)),
        String(re)
      ).toBe(true)
    expect(r.out).toMatch(/^Atoms: 1\d{4} of 20000 \(8\d\.\d % of the limit\), atom table [\d.]+ KiB$/m)
    expect(r.out).toMatch(
      /^Processes by initial call \(count, memory\):\n {2}3000 +[\d.]+ [KM]iB +timer:sleep\/1$/m
    )
    expect(r.out).toMatch(/^Processes by parent, first \$ancestors else Spawned by/m)
    expect(r.out).toMatch(/^ {2}<0\.\d+\.0> +8\.\d+ MiB +erlscope_bin_holder/m)
    expect(r.out).toMatch(
      /^ {2}erlscope_big_cache +[\d.]+ MiB +60000 +owner <0\.\d+\.0> \(erlscope_cache_owner\)$/m
    )
  })

  it('--json: the same findings and the structured groups, atoms and holders', async () => {
    const r = await runCli(['report', culprits.dump, '--json', '--no-cache'])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out) as {
      findings: string[]
      atoms: { count: number; limit: number; share: number; memoryBytes: number }
      initialCalls: { call: string | null; count: number }[]
      parents: { parent: string | null; count: number }[]
      binaryHolders: { name: string | null; binaryBytes: number }[]
      topEts: { name: string; ownerName: string | null }[]
      groupReads: { dictionaryCap: number }
    }
    for (const re of culpritFindings)
      expect(
        j.findings.some((f) => re.test(f)),
        String(re)
      ).toBe(true)
    expect(j.atoms.limit).toBe(ATOM_LIMIT)
    expect(j.atoms.share).toBeCloseTo(j.atoms.count / ATOM_LIMIT, 10)
    expect(j.atoms.share).toBeGreaterThanOrEqual(0.85)
    expect(j.atoms.memoryBytes).toBeGreaterThan(0)
    expect(j.initialCalls[0]).toMatchObject({ call: 'timer:sleep/1', count: 3000 })
    // the crowd was spawned by the shell's eval process
    expect(j.parents[0].count).toBeGreaterThanOrEqual(3000)
    expect(j.binaryHolders[0]).toMatchObject({ name: 'erlscope_bin_holder' })
    expect(j.binaryHolders[0].binaryBytes).toBeGreaterThanOrEqual(8 << 20)
    expect(j.topEts[0]).toMatchObject({ name: 'erlscope_big_cache', ownerName: 'erlscope_cache_owner' })
    expect(j.groupReads.dictionaryCap).toBe(5000)
  })
})
