/** How every `erlscope mcp` tool answers: small typed JSON plus a short summary, or the contract's error. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { toErrorData } from '../app-error'

/** Replies larger than this (JSON characters) are refused with reply_too_large: ask for fewer rows. */
export const MAX_REPLY_CHARS = 200_000

export function ok(summary: string, data: Record<string, unknown>): CallToolResult {
  const json = JSON.stringify(data)
  if (json.length > MAX_REPLY_CHARS)
    return failed(
      'reply_too_large',
      `The answer is ${json.length.toLocaleString('en-US')} characters, more than the ${MAX_REPLY_CHARS.toLocaleString('en-US')} a tool returns; ask for fewer rows or messages.`
    )
  return {
    content: [
      { type: 'text', text: summary },
      { type: 'text', text: json }
    ],
    structuredContent: data
  }
}

function failed(code: string, message: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${message} [${code}]` }],
    structuredContent: { error: { code, message } }
  }
}

/** Runs a tool body; an AppError becomes `{error: {code, message}}` with `isError`. */
export async function answer(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run()
  } catch (error) {
    const e = toErrorData(error)
    return failed(e.code, e.message)
  }
}
