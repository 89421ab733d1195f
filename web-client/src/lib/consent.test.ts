import { test } from 'node:test'
import assert from 'node:assert/strict'
import { asChannels, consentErrors, consentFor } from './consent.ts'

const t = (key: string) => key
const both = ['sms', 'email'] as const

test('a ticked channel without its contact is an error on that channel only', () => {
  assert.deepEqual(consentErrors(['sms', 'email'], both, { phone: '', email: 'wang@example.cn' }, t), {
    'notifyBy.sms': 'notify.smsNeedsPhone',
  })
  assert.deepEqual(consentErrors(['email'], both, { phone: '13800138000', email: '   ' }, t), {
    'notifyBy.email': 'notify.emailNeedsEmail',
  })
})

test('a ticked channel with its contact, or nothing ticked, is no error', () => {
  assert.deepEqual(consentErrors(['sms', 'email'], both, { phone: '13800138000', email: 'wang@example.cn' }, t), {})
  assert.deepEqual(consentErrors([], both, { phone: '', email: '' }, t), {})
})

test('a channel the installation does not offer is neither checked nor sent', () => {
  assert.deepEqual(consentErrors(['sms'], ['email'], { phone: '', email: '' }, t), {})
  assert.deepEqual(consentFor(['sms', 'email'], ['email']), ['email'])
  assert.deepEqual(consentFor(['email', 'sms'], []), [])
})

test('channels are read back in a fixed order, unknown values dropped', () => {
  assert.deepEqual(asChannels(['email', 'pigeon', 'sms', 'email']), ['sms', 'email'])
  assert.deepEqual(asChannels('sms'), [])
  assert.deepEqual(asChannels(null), [])
})
