// A hostile stand-in for an Erlang node, run as its own process (so its buffers never count in
// the memory of the process under test). It registers in a private EPMD of its own (a listener
// that answers PORT_PLEASE2 and NAMES for one name), passes the version-6 handshake honestly,
// answers `erlang:system_info(otp_release)` like OTP 25, and answers every other rpc by the
// called function's name:
//   big_binary       {Ref, <<0:200 MiB>>}, streamed (a 200 MiB frame)
//   huge_prefix      a 1 GiB length prefix, then 900 MiB of junk, streamed
//   bomb             {Ref, Bin} compressed (tag 80): 250 MiB of zeros in about 250 KB
//   lying_bomb       the same bomb whose header claims 1000 bytes
//   many_terms       {Ref, [[] × 3 000 000]}: 3 MB of bytes, 3 million terms
//   garbage          {Ref, <tag 255>}: a reply that does not decode
//   ok               {Ref, ok}
// Usage: node hostile-node.mjs COOKIE; prints {"epmdPort":P,"nodePort":Q,"node":"hostile@127.0.0.1"}.
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { deflateSync } from 'node:zlib'

const cookie = process.argv[2] ?? 'hostile'
const ALIVE = 'hostile'
const NODE = `${ALIVE}@127.0.0.1`
const MiB = 1024 * 1024
// OTP 26 mandatory flags + HANDSHAKE_23 + MANDATORY_25_DIGEST, as a real OTP 25/26 node sends.
const FLAGS = 0x4n | 0x10n | 0x80n | 0x100n | 0x200n | 0x400n | 0x800n | 0x10000n | 0x20000n
const PEER_FLAGS = FLAGS | 0x40000n | 0x1000000n | 0x2000000n | 0x4000000n | (1n << 34n)

const digest = (challenge, c) =>
  createHash('md5')
    .update(c + String(challenge >>> 0))
    .digest()
const u16 = (n) => {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n)
  return b
}
const u32 = (n) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}
const msg16 = (body) => Buffer.concat([u16(body.length), body])

/** Reads one term's extent (only the shapes our client sends: atoms, pids, refs, tuples, ints). */
function skipTerm(b, p) {
  const tag = b[p]
  switch (tag) {
    case 97: // SMALL_INTEGER_EXT
      return p + 2
    case 98: // INTEGER_EXT
      return p + 5
    case 119: // SMALL_ATOM_UTF8_EXT
      return p + 2 + b[p + 1]
    case 118: // ATOM_UTF8_EXT
      return p + 3 + b.readUInt16BE(p + 1)
    case 88: // NEW_PID_EXT
      return skipTerm(b, p + 1) + 12
    case 90: // NEWER_REFERENCE_EXT
      return skipTerm(b, p + 3) + 4 + 4 * b.readUInt16BE(p + 1)
    case 104: {
      // SMALL_TUPLE_EXT
      let q = p + 2
      for (let i = 0; i < b[p + 1]; i++) q = skipTerm(b, q)
      return q
    }
    case 106: // NIL_EXT
      return p + 1
    case 108: {
      // LIST_EXT
      let q = p + 5
      for (let i = 0; i < b.readUInt32BE(p + 1); i++) q = skipTerm(b, q)
      return skipTerm(b, q)
    }
    case 109: // BINARY_EXT
      return p + 5 + b.readUInt32BE(p + 1)
    case 107: // STRING_EXT
      return p + 3 + b.readUInt16BE(p + 1)
    default:
      throw new Error(`hostile node cannot skip tag ${tag}`)
  }
}
const atomText = (b, p) =>
  b[p] === 119
    ? b.toString('utf8', p + 2, p + 2 + b[p + 1])
    : b.toString('utf8', p + 3, p + 3 + b.readUInt16BE(p + 1))

/** `112, 131 {6, From, '', rex}, 131 {'$gen_call', {Pid, Ref}, {call, M, F, A, user}}` → pid, ref, F. */
function parseCall(frame) {
  const msg = skipTerm(frame, 2) // past 112, 131, the control tuple
  let p = msg + 1 // 131
  p += 2 // h 3
  p = skipTerm(frame, p) // '$gen_call'
  p += 2 // h 2
  const pidEnd = skipTerm(frame, p)
  const pid = frame.subarray(p, pidEnd)
  const refEnd = skipTerm(frame, pidEnd)
  const ref = frame.subarray(pidEnd, refEnd)
  p = refEnd + 2 // h 5
  p = skipTerm(frame, p) // call
  const mod = atomText(frame, p)
  p = skipTerm(frame, p)
  return { pid, ref, mod, fun: atomText(frame, p) }
}

/** `112, 131 {2, '', Pid}` — DOP_SEND to the caller. */
const sendControl = (pid) => Buffer.concat([Buffer.from([112, 131, 104, 3, 97, 2, 119, 0]), pid])
const frame32 = (body) => Buffer.concat([u32(body.length), body])

/** Writes `total` bytes of `fill` after `head`, honouring backpressure; stops when the peer goes. */
function stream(socket, head, total, fill) {
  const chunk = Buffer.alloc(MiB, fill)
  let left = total
  socket.write(head)
  const pump = () => {
    while (left > 0 && !socket.destroyed) {
      const n = Math.min(left, chunk.length)
      left -= n
      if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
        return void socket.once('drain', pump)
    }
  }
  pump()
}

/** {Ref, <<0:250 MiB>>} compressed: what the peer would have to inflate. */
const bomb = (ref) =>
  deflateSync(
    Buffer.concat([Buffer.from([104, 2]), ref, Buffer.from([109]), u32(250 * MiB), Buffer.alloc(250 * MiB)]),
    {
      level: 9
    }
  )

function answer(socket, call) {
  const ctl = sendControl(call.pid)
  const reply = (term) =>
    socket.write(frame32(Buffer.concat([ctl, Buffer.from([131, 104, 2]), call.ref, term])))
  if (call.mod === 'erlang' && call.fun === 'system_info') return reply(Buffer.from([107, 0, 2, 50, 53]))
  switch (call.fun) {
    case 'big_binary': {
      const n = 200 * MiB
      const head = Buffer.concat([ctl, Buffer.from([131, 104, 2]), call.ref, Buffer.from([109]), u32(n)])
      return stream(socket, Buffer.concat([u32(head.length + n), head]), n, 0)
    }
    case 'huge_prefix':
      return stream(socket, u32(1024 * MiB), 900 * MiB, 0x61)
    case 'bomb':
    case 'lying_bomb': {
      const z = bomb(call.ref)
      const size = call.fun === 'bomb' ? 2 + call.ref.length + 5 + 250 * MiB : 1000
      return socket.write(frame32(Buffer.concat([ctl, Buffer.from([131, 80]), u32(size), z])))
    }
    case 'many_terms': {
      const n = 3_000_000
      return reply(Buffer.concat([Buffer.from([108]), u32(n), Buffer.alloc(n, 106), Buffer.from([106])]))
    }
    case 'garbage':
      return reply(Buffer.from([255, 1, 2, 3]))
    default:
      return reply(Buffer.from([119, 2, 111, 107]))
  }
}

function serveDist(socket) {
  let buf = Buffer.alloc(0)
  let stage = 'name'
  let ours = 0
  socket.on('error', () => {})
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d])
    for (;;) {
      if (stage !== 'up') {
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return
        const body = buf.subarray(2, 2 + buf.readUInt16BE(0))
        buf = buf.subarray(2 + body.length)
        if (stage === 'name') {
          socket.write(msg16(Buffer.from('sok')))
          ours = randomBytes(4).readUInt32BE(0)
          const ch = Buffer.alloc(19)
          ch[0] = 0x4e
          ch.writeBigUInt64BE(PEER_FLAGS, 1)
          ch.writeUInt32BE(ours, 9)
          ch.writeUInt32BE(77, 13)
          ch.writeUInt16BE(NODE.length, 17)
          socket.write(msg16(Buffer.concat([ch, Buffer.from(NODE)])))
          stage = 'reply'
        } else if (stage === 'reply') {
          if (!body.subarray(5).equals(digest(ours, cookie))) return void socket.destroy()
          socket.write(msg16(Buffer.concat([Buffer.from('a'), digest(body.readUInt32BE(1), cookie)])))
          stage = 'up'
        }
      } else {
        if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return
        const frame = buf.subarray(4, 4 + buf.readUInt32BE(0))
        buf = buf.subarray(4 + frame.length)
        if (frame.length === 0) socket.write(u32(0))
        else if (frame.includes('$gen_call')) answer(socket, parseCall(frame))
      }
    }
  })
}

const listen = (onSocket) =>
  new Promise((resolve) => {
    const server = createServer(onSocket)
    server.listen(0, '127.0.0.1', () => resolve(server.address().port))
  })

const nodePort = await listen(serveDist)
const epmdPort = await listen((s) => {
  s.on('error', () => {})
  s.once('data', (d) => {
    if (d[2] === 122) {
      const r = Buffer.alloc(14 + ALIVE.length)
      r[0] = 119
      r.writeUInt16BE(nodePort, 2)
      r[4] = 77
      r.writeUInt16BE(6, 6)
      r.writeUInt16BE(5, 8)
      r.writeUInt16BE(ALIVE.length, 10)
      Buffer.from(ALIVE).copy(r, 12)
      s.end(r)
    } else s.end(Buffer.concat([u32(epmdPort), Buffer.from(`name ${ALIVE} at port ${nodePort}\n`)]))
  })
})
process.stdout.write(`${JSON.stringify({ epmdPort, nodePort, node: NODE })}\n`)
process.on('disconnect', () => process.exit(0))
