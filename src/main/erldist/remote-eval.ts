import { AppError } from '../app-error'
import { BadRpcError, type RpcCaller } from './rpc'
import { atom, charlist, int, isAtom, list, listElements, NIL, tuple, type Term } from './etf/types'
import { formatTerm } from './etf/format'

export const FORMS_CACHE_LIMIT = 512

/**
 * Remote evaluation with no code loaded into the target: an expression is scanned and parsed on
 * the node once (`erl_scan:string/1`, `erl_parse:parse_exprs/1`), its abstract forms are cached
 * by source text, and each use runs `erl_eval:exprs(Forms, Bindings)` through rex — or, with an
 * `ErpcCaller`, on another node of the cluster through the one we are connected to.
 */
export class RemoteEval {
  private readonly forms = new Map<string, Promise<Term>>()

  constructor(
    private readonly rex: RpcCaller,
    private readonly peerName: string
  ) {}

  get cachedForms(): number {
    return this.forms.size
  }

  /** Abstract forms for `source` (a sequence of expressions; the final `.` is optional). */
  parse(source: string, timeoutMs?: number): Promise<Term> {
    const text = source.trim().replace(/\.?$/, '.')
    let p = this.forms.get(text)
    if (!p) {
      p = this.scanParse(text, timeoutMs)
      p.catch(() => this.forms.delete(text))
      if (this.forms.size >= FORMS_CACHE_LIMIT) this.forms.delete(this.forms.keys().next().value as string)
      this.forms.set(text, p)
    }
    return p
  }

  /** Evaluates `source` with `bindings` (variable name → term); returns the value of the last expression. */
  async eval(source: string, bindings: Record<string, Term> = {}, timeoutMs?: number): Promise<Term> {
    const forms = await this.parse(source, timeoutMs)
    const names = Object.keys(bindings).sort()
    for (const n of names) {
      if (!/^[A-Z_][A-Za-z0-9_@]*$/.test(n))
        throw new AppError('invalid_request', `'${n}' is not an Erlang variable name.`)
    }
    const bs = list(names.map((n) => tuple(atom(n), bindings[n])))
    const result = await this.rex.call('erl_eval', 'exprs', [inFun(forms), bs], timeoutMs)
    if (result.kind === 'tuple' && result.elements.length === 3 && isAtom(result.elements[0], 'value'))
      return result.elements[1]
    throw new AppError(
      'badrpc',
      `erl_eval on ${this.peerName} returned ${formatTerm(result)} instead of {value, V, Bindings}.`
    )
  }

  private async scanParse(text: string, timeoutMs?: number): Promise<Term> {
    const scanned = await this.rex.call('erl_scan', 'string', [charlist(text)], timeoutMs)
    if (!(scanned.kind === 'tuple' && isAtom(scanned.elements[0], 'ok'))) {
      throw new AppError(
        'invalid_request',
        `Could not scan the expression: ${await this.describe(scanned, timeoutMs)}.`
      )
    }
    const parsed = await this.rex.call('erl_parse', 'parse_exprs', [scanned.elements[1]], timeoutMs)
    if (!(parsed.kind === 'tuple' && isAtom(parsed.elements[0], 'ok'))) {
      throw new AppError(
        'invalid_request',
        `Could not parse the expression: ${await this.describe(parsed, timeoutMs)}.`
      )
    }
    return parsed.elements[1]
  }

  /** `{error, {Loc, Mod, Desc}, ...}` → `Mod:format_error(Desc)` text from the node. */
  private async describe(err: Term, timeoutMs?: number): Promise<string> {
    const info = err.kind === 'tuple' ? err.elements[1] : undefined
    if (info?.kind === 'tuple' && info.elements.length === 3 && info.elements[1].kind === 'atom') {
      try {
        const text = await this.rex.call(info.elements[1].name, 'format_error', [info.elements[2]], timeoutMs)
        return `${flatten(text)} (at ${formatTerm(info.elements[0])})`
      } catch (e) {
        if (!(e instanceof BadRpcError)) throw e
      }
    }
    return formatTerm(err)
  }
}

/**
 * `[E1, …, En]` → `[(fun() -> E1, …, En end)()]` as abstract forms, so that the variables the
 * expressions bind stay inside the fun: erl_eval's reply then carries only the bindings we sent,
 * never a big intermediate (a pid list, a copied mailbox) bound along the way.
 */
export function inFun(forms: Term): Term {
  const anno = int(1)
  const fun = tuple(
    atom('fun'),
    anno,
    tuple(atom('clauses'), list([tuple(atom('clause'), anno, NIL, NIL, forms)]))
  )
  return list([tuple(atom('call'), anno, fun, NIL)])
}

/** Flattens an iolist/chardata term to a JS string. */
export function flatten(t: Term): string {
  if (t.kind === 'binary') return Buffer.from(t.data).toString('utf8')
  if (t.kind === 'string') return Buffer.from(t.bytes).toString('latin1')
  if (t.kind === 'integer') return String.fromCodePoint(Number(t.value))
  const els = listElements(t)
  if (els) return els.map(flatten).join('')
  return formatTerm(t)
}
