#!/usr/bin/env node
// Routes: what one SSH hop costs.
//   1. connect (SSH handshake + EPMD + dist handshake + first rpc) through one SSH hop (ssh2, one
//      SSH session shared by the EPMD channel and the dist channel), against the anchor measured in
//      the same run: OpenSSH `ssh -W %h:%p` as a proxy command (one ssh process per stream) around
//      our client, and a direct connect (no SSH) for scale;
//   2. the sampler's round trip (erlang:memory() through rex) over the SSH channel vs direct.
//
//   node --expose-gc bench/route-ssh.mjs [RUNS] [RTT_CALLS]      (or: npm run bench -- route)
//
// Needs sshd, ssh, ssh-keygen and Erlang/OTP; a throwaway sshd on 127.0.0.1 with a generated key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tsModules } from './ts-modules.mjs'

const runs = Number(process.argv[2] ?? 15)
const rttCalls = Number(process.argv[3] ?? 300)
const WARMUP = 2
const vite = await tsModules()
const { connectNode } = await vite.load('/src/main/erldist/client.ts')
const { startNode } = await vite.load('/test/support/erl-node.ts')
const { makeSshKey, startSshServer } = await vite.load('/test/support/ssh-server.ts')

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return `median ${median(xs).toFixed(2)} ms (min ${s[0].toFixed(2)}, max ${s[s.length - 1].toFixed(2)})`
}

const dir = mkdtempSync(join(tmpdir(), 'erlscope-bench-ssh-'))
const key = makeSshKey(dir, 'id_bench')
const sshd = await startSshServer({ authorizedKeys: [key.publicLine] })
const knownHosts = join(dir, 'known_hosts')
writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`)
const node = await startNode()

const viaSsh = {
  ssh: {
    hops: [{ user: 'root', host: sshd.host, port: sshd.port }],
    keyFile: key.privatePath,
    knownHostsFile: knownHosts
  }
}
const viaSshW = {
  proxyCommand: `ssh -q -i ${key.privatePath} -o BatchMode=yes -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -p ${sshd.port} -W %h:%p root@${sshd.host}`
}
const routeEnv = { env: {}, home: dir }

async function timeConnects(route) {
  const times = []
  for (let i = 0; i < runs + WARMUP; i++) {
    const t0 = process.hrtime.bigint()
    const c = await connectNode({ node: node.name, cookie: node.cookie, route, routeEnv })
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    c.close()
    if (i >= WARMUP) times.push(ms)
  }
  return times
}

async function timeRtt(route) {
  const c = await connectNode({ node: node.name, cookie: node.cookie, route, routeEnv })
  try {
    for (let i = 0; i < 20; i++) await c.rpc('erlang', 'memory', [])
    const times = []
    for (let i = 0; i < rttCalls; i++) {
      const t0 = process.hrtime.bigint()
      await c.rpc('erlang', 'memory', [])
      times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
    return times
  } finally {
    c.close()
  }
}

try {
  const ssh = await timeConnects(viaSsh)
  const sshW = await timeConnects(viaSshW)
  const direct = await timeConnects(undefined)
  console.log(`connect + first rpc, ${runs} runs each (after ${WARMUP} warm-up runs):`)
  console.log(`  erlscope through one SSH hop (ssh2)        ${fmt(ssh)}`)
  console.log(`  anchor: ssh -W %h:%p proxy command + ours  ${fmt(sshW)}`)
  console.log(`  direct TCP (no SSH)                        ${fmt(direct)}`)
  console.log(
    `  ratio SSH hop / ssh -W: ${(median(ssh) / median(sshW)).toFixed(2)}x; SSH hop / direct: ${(median(ssh) / median(direct)).toFixed(2)}x`
  )

  const rttSsh = await timeRtt(viaSsh)
  const rttDirect = await timeRtt(undefined)
  console.log(`sampler round trip (erlang:memory() via rex), ${rttCalls} calls:`)
  console.log(`  through the SSH hop  ${fmt(rttSsh)}`)
  console.log(`  direct               ${fmt(rttDirect)}`)
  console.log(`  ratio SSH / direct: ${(median(rttSsh) / median(rttDirect)).toFixed(2)}x`)
} finally {
  await Promise.all([node.stop(), sshd.stop()])
  rmSync(dir, { recursive: true, force: true })
  await vite.close()
}
