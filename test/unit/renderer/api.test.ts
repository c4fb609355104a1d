import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { ApiError, call } from '@renderer/api'
import TabBar from '@renderer/components/TabBar.vue'
import type { Bridge } from '@shared/api'

describe('renderer api', () => {
  it('unwraps replies and raises ApiError with the contract code', async () => {
    window.erlscope = {
      request: {
        'app:info': async () => ({ ok: false, error: { code: 'timeout', message: 'too slow' } })
      } as unknown as Bridge['request'],
      on: () => () => {},
      pathForFile: () => ''
    }
    await expect(call('app:info')).rejects.toBeInstanceOf(ApiError)
    await expect(call('app:info')).rejects.toMatchObject({ code: 'timeout', message: 'too slow' })
  })

  it('says plainly when the bridge is missing', async () => {
    window.erlscope = undefined
    await expect(call('app:info')).rejects.toThrow(/bridge is missing/)
  })
})

describe('TabBar', () => {
  it('marks the active tab and emits the chosen one', async () => {
    const wrapper = mount(TabBar, {
      props: {
        tabs: [
          { id: 'a', label: 'A' },
          { id: 'b', label: 'B' }
        ],
        modelValue: 'a'
      }
    })
    expect(wrapper.get('[data-tab=a]').attributes('aria-selected')).toBe('true')
    await wrapper.get('[data-tab=b]').trigger('click')
    expect(wrapper.emitted('update:modelValue')).toEqual([['b']])
  })
})
