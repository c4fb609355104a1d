import { resolve } from 'node:path'

/**
 * The files `dump:open` may read: only those main itself handed out (the open dialog, a file the
 * user dropped, read through Electron's webUtils.getPathForFile by the preload, the command line)
 * plus the recent list main keeps. A compromised renderer cannot name any other path, and learns
 * nothing about it: the check comes before the file system is touched.
 */
export class PathGrants {
  private readonly granted = new Set<string>()

  grant(path: unknown): void {
    if (typeof path === 'string' && path.trim() !== '') this.granted.add(resolve(path))
  }

  has(path: string): boolean {
    return this.granted.has(resolve(path))
  }
}
