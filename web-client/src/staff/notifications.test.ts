import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  delayParts,
  outboxApiQuery,
  outboxFiltersFromQuery,
  outboxFiltersToQuery,
  settingsBody,
  settingsFieldOf,
  truncate,
} from './notifications.ts'

test('filters come from the URL, and values the API would refuse are dropped', () => {
  assert.deepEqual(outboxFiltersFromQuery({ state: 'dead', channel: 'email', kind: 'new_case', from: '2026-03-01', to: '2026-03-18' }), {
    state: 'dead',
    channel: 'email',
    kind: 'new_case',
    from: '2026-03-01',
    to: '2026-03-18',
  })
  assert.deepEqual(outboxFiltersFromQuery({ state: 'lost', channel: 'pigeon', kind: 'Nope!', from: '18.03.2026', to: ['2026-03-18'] }), {
    state: '',
    channel: '',
    kind: '',
    from: '',
    to: '',
  })
})

test('the URL keeps only the filters that are set, and reads back the same', () => {
  const f = { state: 'dead', channel: '', kind: 'receipt', from: '', to: '2026-03-18' }
  assert.deepEqual(outboxFiltersToQuery(f), { state: 'dead', kind: 'receipt', to: '2026-03-18' })
  assert.deepEqual(outboxFiltersFromQuery(outboxFiltersToQuery(f)), f)
  assert.deepEqual(outboxFiltersToQuery({ state: '', channel: '', kind: '', from: '', to: '' }), {})
})

test('the API query leaves out what is not set and adds the cursor after the first page', () => {
  const f = { state: 'dead', channel: 'sms', kind: '', from: '', to: '' }
  assert.deepEqual(
    Object.entries(outboxApiQuery(f)).filter(([, v]) => v !== undefined),
    [
      ['state', 'dead'],
      ['channel', 'sms'],
    ],
  )
  assert.equal(outboxApiQuery(f, 'abc_123').before, 'abc_123')
  assert.equal(outboxApiQuery(f, null).before, undefined)
})

test('delays are told in seconds, minutes up to two hours, then hours, to one decimal', () => {
  assert.equal(delayParts(null), null)
  assert.equal(delayParts(undefined), null)
  assert.deepEqual(delayParts(0), { n: 0, unit: 'seconds' })
  assert.deepEqual(delayParts(12.34), { n: 12.3, unit: 'seconds' })
  assert.deepEqual(delayParts(60), { n: 1, unit: 'minutes' })
  assert.deepEqual(delayParts(210), { n: 3.5, unit: 'minutes' })
  assert.deepEqual(delayParts(7199), { n: 120, unit: 'minutes' })
  assert.deepEqual(delayParts(7200), { n: 2, unit: 'hours' })
  assert.deepEqual(delayParts(3 * 86400), { n: 72, unit: 'hours' })
})

test('a long error is cut by characters as a person counts them', () => {
  assert.equal(truncate('550 mailbox unavailable', 30), '550 mailbox unavailable')
  assert.equal(truncate('abcdef', 3), 'abc…')
  assert.equal(truncate('📮📮📮📮', 2), '📮📮…')
  assert.equal(truncate('邮箱不存在', 5), '邮箱不存在')
})

test("the settings' server errors find their control", () => {
  assert.equal(settingsFieldOf('email'), 'email')
  assert.equal(settingsFieldOf('digestHour'), 'digestHour')
  assert.equal(settingsFieldOf('DigestHour'), 'digestHour')
  assert.equal(settingsFieldOf('kinds'), 'kinds')
  assert.equal(settingsFieldOf('kinds[0].enabled'), 'kinds')
  assert.equal(settingsFieldOf('somethingElse'), null)
})

test('an empty address is sent as none, and every kind is sent with its choice only', () => {
  const kinds = [
    { kind: 'new_case', name: '本科室新案件', enabled: true, onByDefault: false, digest: true },
    { kind: 'assigned', name: '指派给我的案件', enabled: false, onByDefault: true, digest: false },
  ]
  assert.deepEqual(settingsBody('  ', 8, kinds), {
    email: null,
    digestHour: 8,
    kinds: [
      { kind: 'new_case', enabled: true },
      { kind: 'assigned', enabled: false },
    ],
  })
  assert.equal(settingsBody(' li@example.cn ', 8, []).email, 'li@example.cn')
})
