/**
 * Names as their authors wrote them: an Elixir module is the atom `'Elixir.Shop.OrderQueue'` to the
 * VM (and in a crash dump) but `Shop.OrderQueue` in the user's code. Pure, shared by main (CLI,
 * dump rows) and the renderer.
 */

const ALIAS_SEGMENT = /^[A-Z][A-Za-z0-9_]*$/

/** `Elixir.Shop.OrderQueue` → `Shop.OrderQueue`; null for an atom that is not an Elixir alias. */
export function elixirAlias(atom: string): string | null {
  if (!atom.startsWith('Elixir.') || atom.length <= 7) return null
  const rest = atom.slice(7)
  return rest.split('.').every((s) => ALIAS_SEGMENT.test(s)) ? rest : null
}

/** An Erlang-printed atom (`'Elixir.Shop'`, `ok`, `'with space'`) back to its name, or null. */
function unquoteAtom(text: string): string | null {
  if (/^[a-z][A-Za-z0-9_@]*$/.test(text)) return text
  const m = /^'((?:[^'\\]|\\.)*)'$/.exec(text)
  return m ? m[1].replace(/\\(.)/g, '$1') : null
}

/** A function name as Elixir writes it after `Module.`: `init`, `valid?`, else `"-fun-0-"`. */
function elixirFunction(name: string): string {
  return /^[a-z_][A-Za-z0-9_]*[?!]?$/.test(name) ? name : JSON.stringify(name)
}

/**
 * A registered name as printed in a dump (`'Elixir.Shop.OrderQueue'`, `code_server`) as the user
 * wrote it: `Shop.OrderQueue`, `code_server`. Anything else is returned unchanged.
 */
export function displayName(printed: string): string {
  const atom = unquoteAtom(printed)
  return (atom !== null && elixirAlias(atom)) || printed
}

/** `Module:fun/Arity` in an Erlang-printed call, Module and fun each bare or quoted. */
const CALL = /('(?:[^'\\]|\\.)*'|[a-z][A-Za-z0-9_@]*):('(?:[^'\\]|\\.)*'|[a-z][A-Za-z0-9_@]*)\/(\d+)/g

/**
 * Calls in an Erlang-printed text (`'Elixir.Shop.OrderQueue':loop/1 + 68`) with Elixir modules
 * the Elixir way (`Shop.OrderQueue.loop/1 + 68`); Erlang calls and other text unchanged.
 */
export function displayCalls(text: string): string {
  if (!text.includes('Elixir.')) return text
  return text.replace(CALL, (whole: string, mod: string, fun: string, arity: string) => {
    const m = unquoteAtom(mod)
    const f = unquoteAtom(fun)
    const alias = m === null ? null : elixirAlias(m)
    return alias && f !== null ? `${alias}.${elixirFunction(f)}/${arity}` : whole
  })
}
