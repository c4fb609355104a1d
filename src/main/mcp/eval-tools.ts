/**
 * Tools that run code on the target or change it: registered only when `erlscope mcp --allow-eval`
 * started the server, and even then capped in time and reply size.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import { humanBytes } from '../../shared/format-bytes'
import { answer, ok } from './results'
import type { McpServices } from './services'

/** The longest an eval or a binary-leak check may run on the node, ms. */
export const EVAL_MAX_MS = 10_000
/** The printed result of an eval is cut to this many characters. */
export const EVAL_MAX_CHARS = 16_000

const NODE = z.string().min(1).describe('The node as name@host, or the name of a saved connection')

export function registerEvalTools(server: McpServer, s: McpServices): void {
  server.registerTool(
    'eval',
    {
      title: 'Evaluate Erlang',
      description: `Evaluates an Erlang expression on the node (erl_eval; loads no code) and prints the result. It runs with the node's full rights: at most ${EVAL_MAX_MS / 1000} s, the printed result cut to ${EVAL_MAX_CHARS.toLocaleString('en-US')} characters.`,
      inputSchema: {
        node: NODE,
        expression: z
          .string()
          .min(1)
          .describe('Erlang expressions, e.g. "erlang:system_info(process_count)."'),
        timeoutMs: z.number().int().min(100).max(EVAL_MAX_MS).default(5000)
      },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true }
    },
    ({ node, expression, timeoutMs }) =>
      answer(async () => {
        const r = await s.evaluate(node, expression, timeoutMs)
        const cut = r.text.length > EVAL_MAX_CHARS
        const result = cut ? r.text.slice(0, EVAL_MAX_CHARS) : r.text
        return ok(`${r.node}: ${result.length > 200 ? `${result.slice(0, 200)}…` : result}`, {
          node: r.node,
          result,
          resultChars: r.text.length,
          truncated: cut
        })
      })
  )

  server.registerTool(
    'bin_leak',
    {
      title: 'Binary leak check',
      description: `Garbage-collects every process of the node (recon:bin_leak) and ranks them by the refc binaries each freed. It changes the target (pauses each process for its GC): at most ${EVAL_MAX_MS / 1000} s.`,
      inputSchema: { node: NODE, limit: z.number().int().min(1).max(100).default(20) },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true }
    },
    ({ node, limit }) =>
      answer(async () => {
        const info = await s.session(node)
        const r = await s.handlers['node:bin-leak'](info.sessionId, {
          confirm: true,
          limit,
          maxMs: EVAL_MAX_MS
        })
        return ok(
          `GC of ${r.scanned} of ${r.processCount} processes freed ${humanBytes(r.freedBytes)}; binary memory ${humanBytes(r.memoryBinaryBefore)} -> ${humanBytes(r.memoryBinaryAfter)}${r.stoppedEarly ? ' (stopped early)' : ''}.`,
          {
            node: info.node,
            scanned: r.scanned,
            processCount: r.processCount,
            stoppedEarly: r.stoppedEarly,
            freedBytes: r.freedBytes,
            memoryBinaryBeforeBytes: r.memoryBinaryBefore,
            memoryBinaryAfterBytes: r.memoryBinaryAfter,
            elapsedMs: r.elapsedMs,
            rows: r.rows
          }
        )
      })
  )
}
