/** How the renderer and the CLI show module names and calls (Elixir modules the Elixir way). */

/** `'Elixir.Foo.Bar'` → `Foo.Bar`; Erlang modules unchanged. */
export function moduleName(module: string): string {
  return module.startsWith('Elixir.') && module.length > 7 ? module.slice(7) : module
}

const RESERVED = new Set(
  'after and andalso band begin bnot bor bsl bsr bxor case catch cond div else end fun if let maybe not of or orelse receive rem try when xor'.split(
    ' '
  )
)

/** An atom as Erlang prints it (quoted when it must be). */
export function quoteAtom(name: string): string {
  return /^[a-z][A-Za-z0-9_@]*$/.test(name) && !RESERVED.has(name)
    ? name
    : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/**
 * `m:f/a`. Elixir modules print as `Foo.Bar.fun/2` (Elixir's own notation); Erlang functions
 * are quoted when they need it (`prim_eval:'receive'/2`).
 */
export function formatMfa(module: string, fun: string, arity: number): string {
  if (module.startsWith('Elixir.') && module.length > 7) return `${moduleName(module)}.${fun}/${arity}`
  return `${quoteAtom(module)}:${quoteAtom(fun)}/${arity}`
}

/** Registered name as shown: Elixir module-named processes lose the `Elixir.` prefix. */
export function registeredName(name: string): string {
  return moduleName(name)
}
