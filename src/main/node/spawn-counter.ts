/**
 * Spawns between two background samples, read from the node's pid counter: every sample runs in a
 * process the node has just spawned for the call (rex's worker), and a new local pid takes the next
 * identifier from the process table's counter, so the difference of two such pids counts the
 * processes spawned between them (erlscope's own calls included, a few per sample).
 */

/** `<0.Number.Serial>` of the sampling process. */
export interface PidId {
  number: number
  serial: number
}

/** OTP 25 and older: the number is 15 bits, the serial counts its wraps. */
const NARROW_NUMBER = 32768

/**
 * Processes spawned from `a` to `b`, or null when the pids cannot tell (a number field wider than
 * 15 bits that wrapped, as on OTP 26+ 64-bit nodes after 2^28 spawns, or pids out of order).
 */
export function spawnsBetween(a: PidId, b: PidId): number | null {
  let n: number
  if (a.serial === b.serial) n = b.number - a.number
  else if (a.number < NARROW_NUMBER && b.number < NARROW_NUMBER)
    n = (b.serial - a.serial) * NARROW_NUMBER + (b.number - a.number)
  else return null
  return n >= 0 ? n : null
}

/** Spawns per second between two sampling pids read `ms` apart, or null when unknown. */
export function spawnRate(a: PidId, b: PidId, ms: number): number | null {
  const n = spawnsBetween(a, b)
  return n === null || !(ms > 0) ? null : (n * 1000) / ms
}
