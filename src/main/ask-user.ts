/**
 * How main asks the person at the keyboard a yes/no question it must not take from the renderer
 * (which renders bytes from dumps and nodes, so it may be compromised). Electron shows a native
 * dialog; tests inject an answerer; where nobody can answer, the answer is no.
 */
export interface Question {
  title: string
  message: string
  detail: string
  /** The button that answers yes. */
  yes: string
  /** The button that answers no (also Escape and closing the dialog). */
  no: string
}

export type AskUser = (question: Question) => Promise<boolean>

/** Where no one can be asked: every question is answered no. */
export const nobodyToAsk: AskUser = async () => false
