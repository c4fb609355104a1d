import { inject, type InjectionKey } from 'vue'

/** Opens a process of the current dump in the drawer (provided by the dump workspace). */
export const openProcessKey: InjectionKey<(pid: string) => void> = Symbol('open-dump-process')

export function useOpenProcess(): (pid: string) => void {
  return inject(openProcessKey, () => undefined)
}
