/** One process as the drawer shows it, whether it comes from a live node or from a crash dump. */
export interface ProcessSheet {
  pid: string
  /** Registered name, else the initial call. */
  title: string
  subtitle?: string
  fields: SheetField[]
  /** Printed terms (Erlang syntax), newest last; null when not loaded. */
  messages: string[] | null
  messageNote?: string
  /** Queue position (1-based) of `messages[0]` when they are one page of a longer queue. */
  messagesStart?: number
  /** Queue position (1-based) of a message the user asked for: marked and scrolled to. */
  messagesMark?: number
  dictionary: string[] | null
  stack: string[] | null
  /** Sections the drawer shows below the fields, e.g. links or ETS tables owned. */
  lists?: { label: string; items: string[] }[]
}

export interface SheetField {
  label: string
  value: string
  /** Shown on hover, e.g. the exact byte count. */
  title?: string
  mono?: boolean
  tone?: 'warn' | 'danger'
}
