import type { components } from '../api/schema.d.ts'

// Consent to be told of a case's progress, one channel at a time. Each channel needs its contact
// (a mobile number for sms, an address for email): the server refuses a channel without it, so the
// form says so first, in the server's words.

export type NotifyChannel = components['schemas']['NotifyChannel']

const CHANNELS: readonly NotifyChannel[] = ['sms', 'email']

type Translate = (key: string) => string

/** The channels in a stored or received value, in a fixed order; anything else is dropped. */
export function asChannels(value: unknown): NotifyChannel[] {
  return Array.isArray(value) ? CHANNELS.filter((c) => value.includes(c)) : []
}

/** What the request carries: the channels ticked that this installation offers (a draft may predate a change). */
export function consentFor(ticked: readonly string[], offered: readonly NotifyChannel[]): NotifyChannel[] {
  return CHANNELS.filter((c) => ticked.includes(c) && offered.includes(c))
}

/** A ticked channel without its contact, keyed `notifyBy.sms` / `notifyBy.email` (the checkbox shows it). */
export function consentErrors(
  ticked: readonly string[],
  offered: readonly NotifyChannel[],
  contact: { phone: string; email: string },
  t: Translate,
): Partial<Record<string, string>> {
  const errors: Partial<Record<string, string>> = {}
  for (const channel of consentFor(ticked, offered)) {
    const given = channel === 'sms' ? contact.phone : contact.email
    if (!given.trim()) errors[`notifyBy.${channel}`] = t(channel === 'sms' ? 'notify.smsNeedsPhone' : 'notify.emailNeedsEmail')
  }
  return errors
}
