import { humanBytes } from '../../shared/format-bytes'
import { memoryCategories } from '../../shared/contract/node'
import { readCluster, type MemberReading } from '../node/cluster'
import { defaultConnector } from '../node/dist-adapter'
import type { Connector } from '../node/live-client'
import type { CliCommand } from './command'
import { table, withClient } from './live-commands'
import { resolveTimeout } from './node-cookie'
import { JSON_FLAG, NODE_FLAGS } from './flags'

function uptime(ms: number): string {
  const s = Math.floor(ms / 1000)
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return `${d}d ${h}h`
  if (h > 0) return `${h}h ${m}m`
  return m > 0 ? `${m}m ${s % 60}s` : `${s}s`
}

/** The biggest first; members that did not answer last. */
function byTotal(a: MemberReading, b: MemberReading): number {
  if (a.up !== b.up) return a.up ? -1 : 1
  return (b.memory?.total ?? 0) - (a.memory?.total ?? 0) || (a.node < b.node ? -1 : 1)
}

export function clusterJson(members: MemberReading[]): Record<string, unknown> {
  return {
    nodes: members.map((m) => ({
      node: m.node,
      visibility: m.visibility,
      state: m.up ? 'up' : 'down',
      ...(m.up ? {} : { error: m.error }),
      otpRelease: m.otpRelease ?? null,
      uptimeMs: m.uptimeMs ?? null,
      processCount: m.processCount ?? null,
      memory: m.memory ? Object.fromEntries(memoryCategories.map((k) => [k, m.memory?.[k] ?? 0])) : null
    }))
  }
}

export function makeClusterCommands(connect: Connector): CliCommand[] {
  const cluster: CliCommand = {
    name: 'cluster',
    usage: 'cluster NODE [--hidden] [--timeout MS] [--through ENTRY] [--json]',
    flags: [...NODE_FLAGS, { name: 'hidden', help: 'include hidden nodes (nodes(hidden))' }, JSON_FLAG],
    summary: "every node of NODE's cluster in one sample through NODE: OTP, uptime, processes, memory",
    async run(args, io) {
      const memberTimeoutMs = resolveTimeout(args, 5000)
      const reading = await withClient(connect, args, io, this.usage, (c) =>
        readCluster(c, { hidden: args.flags.has('hidden'), memberTimeoutMs })
      )
      const members = [...reading.members].sort(byTotal)
      if (args.flags.has('json')) {
        io.out(JSON.stringify(clusterJson(members), null, 2))
        return 0
      }
      const dash = '-'
      io.out(
        table(
          ['NODE', 'OTP', 'UPTIME', 'PROCESSES', 'TOTAL', 'PROCESSES MEM', 'BINARY', 'ETS', 'STATE'],
          members.map((m) => [
            m.visibility === 'entry'
              ? `${m.node} (entry)`
              : m.visibility === 'hidden'
                ? `${m.node} (hidden)`
                : m.node,
            m.otpRelease ?? dash,
            m.uptimeMs !== undefined ? uptime(m.uptimeMs) : dash,
            m.processCount !== undefined ? String(m.processCount) : dash,
            m.memory ? humanBytes(m.memory.total) : dash,
            m.memory ? humanBytes(m.memory.processes) : dash,
            m.memory ? humanBytes(m.memory.binary) : dash,
            m.memory ? humanBytes(m.memory.ets) : dash,
            m.up ? 'up' : `down: ${m.error ?? ''}`
          ]),
          new Set([2, 3, 4, 5, 6, 7])
        )
      )
      const down = members.filter((m) => !m.up).length
      io.out(
        `${members.length} nodes (${down} not answering), sampled in ${reading.sampleMs} ms through ${members[0]?.node ?? '?'}`
      )
      return 0
    }
  }
  return [cluster]
}

export const clusterCommands: CliCommand[] = makeClusterCommands(defaultConnector)
