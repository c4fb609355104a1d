import { inject, type InjectionKey } from 'vue'

/** Opens a process of the current dump in the drawer (provided by the dump workspace). */
export const openProcessKey: InjectionKey<(pid: string) => void> = Symbol('open-dump-process')

export function useOpenProcess(): (pid: string) => void {
  return inject(openProcessKey, () => undefined)
}

/** Tells the workspace's pid-name cache a name a reply already carried (no lookup needed). */
export const rememberPidNameKey: InjectionKey<(pid: string, name: string) => void> =
  Symbol('remember-dump-pid-name')

export function useRememberPidName(): (pid: string, name: string) => void {
  return inject(rememberPidNameKey, () => undefined)
}
