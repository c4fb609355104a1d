import type { Bridge } from '../../src/shared/api'

declare global {
  interface Window {
    erlscope?: Bridge
  }
}
