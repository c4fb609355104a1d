/** The preamble after `=erl_crash_dump:V`: date, Slogan, System version, Compiled, Taints, Atoms, Calling Thread. */
import type { DumpHeader } from '../../../shared/contract/dump'
import { splitLines } from '../text'

export function parseHeader(version: string, body: string, nodeName: string | null): DumpHeader {
  const lines = splitLines(body)
  const h: DumpHeader = {
    dumpVersion: version,
    created: null,
    slogan: null,
    systemVersion: null,
    compiled: null,
    taints: null,
    atoms: null,
    callingThread: null,
    wordSize: 4,
    nodeName,
    otpRelease: null
  }
  let first = true
  for (const line of lines) {
    if (first && !/^[A-Z][a-zA-Z ]*: /.test(line)) {
      h.created = line
      first = false
      continue
    }
    first = false
    if (line.startsWith('Slogan: ')) {
      let slogan = line.slice(8)
      // "Crash dump requested by user" has no newline before "System version:"
      const glued = slogan.indexOf('System version: ')
      if (glued > 0) {
        h.systemVersion = slogan.slice(glued + 16)
        slogan = slogan.slice(0, glued)
      }
      h.slogan = slogan
    } else if (line.startsWith('System version: ')) h.systemVersion = line.slice(16)
    else if (line.startsWith('Compiled: ')) h.compiled = line.slice(10)
    else if (line.startsWith('Taints: ')) h.taints = line.slice(8)
    else if (line.startsWith('Atoms: ')) h.atoms = Number(line.slice(7)) || null
    else if (line.startsWith('Calling Thread: ')) h.callingThread = line.slice(16)
    else if (h.slogan !== null && h.systemVersion === null && !line.includes(': ')) h.slogan += `\n${line}`
  }
  const sv = h.systemVersion ?? ''
  h.wordSize = sv.includes('[64-bit]') ? 8 : 4
  const otp = /Erlang\/OTP (\d+)/.exec(sv) ?? /Erlang (R\d+B\d*)/.exec(sv)
  if (otp) h.otpRelease = otp[1]
  return h
}
