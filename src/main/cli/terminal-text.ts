/**
 * Text from dumps and nodes (slogans, atoms, names, EPMD answers) printed to a terminal: every
 * control character becomes a visible escape, so a dump or a node cannot retitle, clear or
 * rewrite the user's terminal, or forge lines. ESC is `\e`, newline/CR/tab `\n` `\r` `\t`, other
 * C0 controls and DEL `\xHH`, C1 controls and bidirectional overrides `\uHHHH`. `--json` output
 * never goes through here: it stays exact.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LAYOUT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

function escape(c: string): string {
  const code = c.charCodeAt(0)
  if (code === 0x1b) return '\\e'
  if (code === 0x0a) return '\\n'
  if (code === 0x0d) return '\\r'
  if (code === 0x09) return '\\t'
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`
  return `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * `text` safe to print. A field (a name, a slogan) escapes newlines and tabs too; `layout: true`
 * keeps them, for whole blocks of output whose lines the CLI laid out itself.
 */
export function terminalText(text: string, options: { layout?: boolean } = {}): string {
  return text.replace(options.layout ? CONTROL_BUT_LAYOUT : CONTROL, escape)
}
