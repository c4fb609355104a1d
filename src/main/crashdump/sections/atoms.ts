/** `=atoms`: one atom a line, newest first. */
import { splitLines } from '../text'

export function parseAtoms(body: string): string[] {
  return splitLines(body)
}
