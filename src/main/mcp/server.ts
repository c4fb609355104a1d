/** `erlscope mcp`: a Model Context Protocol server over stdio (the official TypeScript SDK). */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { APP_VERSION } from '../version'
import { registerDumpTools } from './dump-tools'
import { registerEvalTools } from './eval-tools'
import { registerLiveTools } from './live-tools'
import { McpServices, type McpServicesOptions } from './services'

export interface McpServerOptions extends McpServicesOptions {
  /** Register the tools that run code on the target or change it (eval, bin_leak). */
  allowEval: boolean
}

const INSTRUCTIONS = [
  'erlscope observes the memory of Erlang/Elixir nodes and reads Erlang crash dumps.',
  'Name a node as name@host (or a saved connection by its name); cookies are chosen by the server, never passed as arguments.',
  'Start with node_memory, then top_processes (by memory, message_queue_len, binary_memory or growth) and process for one pid.',
  'For a crash dump, start with dump_report, then dump_processes and dump_process.',
  'Sizes are in bytes (fields ending in Bytes). Errors end with a code in brackets, e.g. [cookie_rejected].'
].join(' ')

export function createMcpServer(options: McpServerOptions): { server: McpServer; services: McpServices } {
  const server = new McpServer({ name: 'erlscope', version: APP_VERSION }, { instructions: INSTRUCTIONS })
  const services = new McpServices(options)
  registerLiveTools(server, services)
  registerDumpTools(server, services)
  if (options.allowEval) registerEvalTools(server, services)
  return { server, services }
}

/** Serves on stdin/stdout until the client closes stdin; resolves then. */
export async function serveStdio(options: McpServerOptions): Promise<void> {
  const { server, services } = createMcpServer(options)
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve()
    process.stdin.once('end', () => resolve())
  })
  await server.connect(new StdioServerTransport())
  await closed
  await services.dispose()
  await server.close().catch(() => undefined)
}
