import { isAbsolute, join } from 'node:path'
import { homedir } from 'node:os'

/**
 * The folder the desktop app keeps its settings in (Electron's `userData` for the app name
 * `erlscope`), so `erlscope mcp` sees the same saved connections: `$ERLSCOPE_USER_DATA`, else the
 * platform's config folder.
 */
export function defaultUserDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform
): string {
  if (env.ERLSCOPE_USER_DATA) return env.ERLSCOPE_USER_DATA
  let base: string
  if (platform === 'darwin') base = join(homedir(), 'Library', 'Application Support')
  else if (platform === 'win32') base = env.APPDATA || join(homedir(), 'AppData', 'Roaming')
  else if (env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME)) base = env.XDG_CONFIG_HOME
  else base = join(homedir(), '.config')
  return join(base, 'erlscope')
}
