import { describe, expect, it } from 'vitest'
import { terminalText } from '../../../src/main/cli/terminal-text'

describe('terminalText: what a dump or node may put on the user terminal', () => {
  it('shows ESC, BEL, other C0, DEL, C1 and bidi overrides as visible escapes', () => {
    expect(terminalText('\x1b]0;pwned\x07\x1b[2J')).toBe('\\e]0;pwned\\x07\\e[2J')
    expect(terminalText('a\x00b\x08c\x7fd')).toBe('a\\x00b\\x08c\\x7fd')
    expect(terminalText('csi\u009b31m and \u202egnp.exe')).toBe('csi\\u009b31m and \\u202egnp.exe')
    expect(terminalText('line\nforged\r\tx')).toBe('line\\nforged\\r\\tx')
  })
  it('keeps layout newlines and tabs when asked, and leaves printable text alone', () => {
    expect(terminalText('a\n\tb\x1bc', { layout: true })).toBe('a\n\tb\\ec')
    const plain = "Kernel pid terminated (application_controller) ('ä' <0.1.0> ~ `x` \\ é 日本)"
    expect(terminalText(plain)).toBe(plain)
  })
  it('leaves no control character behind, for every code point below U+00A0', () => {
    for (let c = 0; c < 0xa0; c++) {
      const out = terminalText(String.fromCharCode(c))
      // eslint-disable-next-line no-control-regex
      expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f]/)
    }
  })
})
