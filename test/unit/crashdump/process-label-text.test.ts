import { expect, it } from 'vitest'
import { shortProcessLabel } from '../../../src/shared/process-label-text'

it('puts a RabbitMQ resource name first and leaves other labels as printed', () => {
  expect(shortProcessLabel('{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"orders">>}}')).toBe(
    'queue orders · vhost /'
  )
  expect(
    shortProcessLabel('{rabbit_amqqueue_process,{resource,<<"prod">>,queue,<<"a \\"quoted\\" name">>}}')
  ).toBe('queue a \\"quoted\\" name · vhost prod')
  expect(shortProcessLabel('{order_worker,7}')).toBe('{order_worker,7}')
  expect(shortProcessLabel('invoice sender')).toBe('invoice sender')
  expect(shortProcessLabel('{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"x">>},extra}')).toBe(
    '{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"x">>},extra}'
  )
})
