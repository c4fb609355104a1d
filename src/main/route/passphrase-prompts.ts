import { randomUUID } from 'node:crypto'
import type { Emit } from '../../shared/api'
import type { RouteAnswer } from '../../shared/contract/route'
import { AppError } from '../app-error'
import type { PassphraseQuestion } from './asker'

export interface PromptAnswer {
  passphrase: string | null
  remember: boolean
}

/** Unanswered prompts give up after this long (the key is skipped). */
const PROMPT_TIMEOUT_MS = 5 * 60_000

/**
 * Asks the window for SSH key passphrases: `route:ask` out, `route:answer` back. The answer
 * lives in main only (the route that asked keeps it for its session's reconnects; nothing is
 * written to disk).
 */
export class PassphrasePrompts {
  private readonly pending = new Map<string, (answer: PromptAnswer) => void>()

  constructor(private readonly emit: Emit) {}

  ask(q: PassphraseQuestion, canRemember = false): Promise<PromptAnswer> {
    const askId = randomUUID()
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.settle(askId, { passphrase: null, remember: false }),
        PROMPT_TIMEOUT_MS
      )
      timer.unref()
      this.pending.set(askId, (answer) => {
        clearTimeout(timer)
        resolve(answer)
      })
      this.emit('route:ask', { askId, kind: 'passphrase', keyFile: q.keyFile, retry: q.retry, canRemember })
    })
  }

  answer(askId: unknown, answer: unknown): void {
    if (typeof askId !== 'string' || !this.pending.has(askId))
      throw new AppError('not_found', 'That question was already answered or has expired.')
    const a = answer as Partial<RouteAnswer> | null
    const passphrase =
      a && typeof a.passphrase === 'string' && a.passphrase.length <= 1024 ? a.passphrase : null
    this.settle(askId, { passphrase, remember: passphrase !== null && a?.remember === true })
  }

  private settle(askId: string, value: PromptAnswer): void {
    const done = this.pending.get(askId)
    this.pending.delete(askId)
    done?.(value)
  }

  /** Gives up on every open prompt (the window closed, the app quits). */
  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { passphrase: null, remember: false })
  }
}
