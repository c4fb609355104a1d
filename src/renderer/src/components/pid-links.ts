import { inject, reactive, type InjectionKey } from 'vue'

/** What a pid shown anywhere in a workspace can do: open that process, and say its name. */
export interface PidActions {
  open(pid: string): void
  /** The registered name (or initial call) when known; null while unknown or for none. */
  name(pid: string): string | null
}

export const pidActionsKey: InjectionKey<PidActions> = Symbol('pid-actions')

export function usePidActions(): PidActions | null {
  return inject(pidActionsKey, null)
}

/** A pid of the node itself: `<0.N.S>` (a pid of another node starts with that node's number). */
const PID = /<0\.\d+\.\d+>/g

/** `text` cut into plain parts and local pids, in order (no empty parts). */
export function splitPids(text: string): { text: string; pid: boolean }[] {
  const out: { text: string; pid: boolean }[] = []
  let last = 0
  for (const m of text.matchAll(PID)) {
    const at = m.index ?? 0
    if (at > last) out.push({ text: text.slice(last, at), pid: false })
    out.push({ text: m[0], pid: true })
    last = at + m[0].length
  }
  if (last < text.length) out.push({ text: text.slice(last), pid: false })
  return out
}

/** At most this many names are looked up per workspace: each is a request. */
const MAX_LOOKUPS = 500

/**
 * A reactive pid -> name cache that looks names up in batches, the first time a pid is shown.
 * `lookup` answers for a few pids at once (a name, or null for an unnamed or unknown process).
 */
export function pidNameCache(
  lookup: (pids: string[]) => Promise<Record<string, string | null>>
): Pick<PidActions, 'name'> & { remember(pid: string, name: string | null): void } {
  const names = reactive(new Map<string, string | null>())
  const queued = new Set<string>()
  let asked = 0
  let scheduled = false

  function flush(): void {
    scheduled = false
    const pids = [...queued]
    queued.clear()
    if (pids.length === 0) return
    lookup(pids).then(
      (found) => pids.forEach((p) => names.set(p, found[p] ?? null)),
      () => pids.forEach((p) => names.set(p, null))
    )
  }

  return {
    name(pid) {
      if (names.has(pid)) return names.get(pid) ?? null
      if (!queued.has(pid) && asked < MAX_LOOKUPS) {
        asked++
        queued.add(pid)
        if (!scheduled) {
          scheduled = true
          queueMicrotask(flush)
        }
      }
      return null
    },
    remember(pid, name) {
      names.set(pid, name)
    }
  }
}
