import { onBeforeUnmount, ref, type Ref } from 'vue'

/** Whether a CSS media query matches, kept up to date while the component lives. */
export function useMediaQuery(query: string): Ref<boolean> {
  const list = window.matchMedia?.(query)
  const matches = ref(list?.matches ?? false)
  const onChange = (e: MediaQueryListEvent): void => {
    matches.value = e.matches
  }
  list?.addEventListener('change', onChange)
  onBeforeUnmount(() => list?.removeEventListener('change', onChange))
  return matches
}
