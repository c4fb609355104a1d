/** What a slogan means, in plain words. */
import type { SloganExplanation } from '../../../shared/contract/dump'

function reasonIn(slogan: string, prefix: RegExp): string | null {
  const m = prefix.exec(slogan)
  if (!m) return null
  const rest = slogan.slice(m.index + m[0].length).trim()
  return rest.startsWith('(') && rest.endsWith(')') ? rest.slice(1, -1) : rest || null
}

export function explainSlogan(slogan: string | null): SloganExplanation {
  const s = (slogan ?? '').trim()
  const base = { reason: null, requestedBytes: null }
  const m = /^(\w+): Cannot allocate (\d+) bytes of memory \(of type "([^"]*)"(?:, thread \d+)?\)/.exec(s)
  if (m) {
    const [, alloc, bytes, type] = m
    const requestedBytes = Number(bytes)
    if (alloc === 'eheap_alloc' || type === 'heap' || type === 'old_heap')
      return {
        category: 'process_heap',
        title: 'A process heap could not grow',
        detail: `The VM ran out of memory while growing a process heap (${alloc} asked for ${bytes} bytes of "${type}"). One process usually holds most of the memory: look at the top processes by memory and their mailboxes.`,
        reason: null,
        requestedBytes
      }
    if (alloc === 'binary_alloc' || type === 'binary')
      return {
        category: 'binary',
        title: 'A binary could not be allocated',
        detail: `The VM ran out of memory allocating a binary (${bytes} bytes). Look at large or leaked binaries: processes holding refc binaries, big messages, ETS tables.`,
        reason: null,
        requestedBytes
      }
    return {
      category: 'allocation',
      title: `Memory allocation failed in ${alloc}`,
      detail: `The VM could not allocate ${bytes} bytes of "${type}" from ${alloc}. The machine (or a memory limit) ran out of memory.`,
      reason: null,
      requestedBytes
    }
  }
  if (/^Kernel pid terminated/.test(s)) {
    // `Kernel pid terminated (Name) (Reason)`; the VM cuts slogans at about 200 characters, so a
    // long reason may have lost its closing parenthesis (and more)
    const r = /^Kernel pid terminated \(([^)]*)\) \((.*)$/s.exec(s)
    const whole = r !== null && r[2].endsWith(')')
    const reason = r ? (whole ? r[2].slice(0, -1) : r[2]) : reasonIn(s, /^Kernel pid terminated/)
    return {
      category: 'application_failure',
      title: `A kernel process terminated${r ? ` (${r[1]})` : ''}`,
      detail: `A process the runtime cannot live without stopped, usually because an application failed to start or crashed. The reason says which application and why.${
        r && !whole ? ' The VM cut the slogan short, so the reason ends early.' : ''
      }`,
      reason,
      requestedBytes: null
    }
  }
  if (/^init terminating in do_boot/.test(s) || /^Runtime terminating during boot/.test(s))
    return {
      category: 'boot_failure',
      title: 'The node failed while booting',
      detail:
        'The boot script or a -s/-eval/-run command failed before the system was up (a missing module, a bad argument, a crash in the start function). The reason is the exception raised.',
      reason: reasonIn(s, /^(init terminating in do_boot|Runtime terminating during boot)/),
      requestedBytes: null
    }
  if (/^[Cc]ould not start kernel pid/.test(s))
    return {
      category: 'boot_failure',
      title: 'The kernel could not start',
      detail:
        'A core kernel process could not be started, often because of a bad sys.config or command-line configuration.',
      reason: reasonIn(s, /^[Cc]ould not start kernel pid \([^)]*\)/),
      requestedBytes: null
    }
  if (/^Crash dump requested by user|^Received SIGUSR1/.test(s))
    return {
      category: 'requested',
      title: 'Someone asked for this dump',
      detail:
        'The dump was requested (SIGUSR1, the break menu, or erlang:halt with a dump) while the node was running: it is a snapshot, not necessarily a crash. Check memory and mailboxes for what prompted it.',
      ...base
    }
  if (/Too many processes|maximum number of processes|system_limit.*process/i.test(s))
    return {
      category: 'system_limit',
      title: 'The process limit was reached',
      detail:
        'The node spawned as many processes as +P allows. Look for a process leak in the process table (many processes with the same initial call).',
      ...base
    }
  if (/atom_tab|no more index entries in atom/i.test(s))
    return {
      category: 'system_limit',
      title: 'The atom table is full',
      detail:
        'Atoms are never garbage collected; something creates atoms dynamically (list_to_atom, binary_to_atom on external input). Raise +t only as a stop-gap.',
      ...base
    }
  // The VM's own words when ets:new/2 hits the table limit: "** Too many db tables **" (logged by
  // erl_db.c before it raises system_limit), the system_limit error itself coming from ets:new, or
  // the "maximum number of ETS tables" wording that error formatters (lager, logger) print for it.
  // Not /ets/i anywhere: "sockets", "tickets" or "buckets" say nothing about ETS.
  if (/Too many db tables|maximum number of ETS tables|\bsystem_limit\b.*\{ets,new,/i.test(s))
    return {
      category: 'system_limit',
      title: 'The ETS table limit was reached',
      detail: 'Too many ETS tables exist; look for tables created per request and never deleted.',
      ...base
    }
  if (/port|too many open files|emfile/i.test(s) && /limit|Too many|emfile/i.test(s))
    return {
      category: 'system_limit',
      title: 'The port or file-descriptor limit was reached',
      detail:
        'The node ran out of ports or file descriptors. Look at the ports table for sockets or files left open.',
      ...base
    }
  if (/^erl_child_setup closed/.test(s))
    return {
      category: 'child_setup',
      title: 'The runtime helper process died',
      detail:
        'erl_child_setup, the helper that spawns OS processes, exited. This often means the OS killed it (out-of-memory killer) or the node was being shut down.',
      ...base
    }
  if (s !== '')
    return {
      category: 'halt',
      title: 'The node was halted',
      detail: 'The node called erlang:halt/1 (or crashed) with this slogan as its reason.',
      reason: s,
      requestedBytes: null
    }
  return { category: 'other', title: 'No slogan', detail: 'The dump has no slogan line.', ...base }
}
