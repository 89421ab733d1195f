import type { components } from '../api/schema'
import type { Draft } from './draft'
import { trimmedLength } from './text'

// Mirrors the server's rules so people learn of a mistake before sending; the server's answer
// (400 with per-field messages) stays authoritative.

export type SubmitComplaintCommand = components['schemas']['SubmitComplaintCommand']

export const LIMITS = { description: 4000, township: 50, address: 200, name: 50, email: 254 } as const

/** Field keys as the server names them in problem details. */
export const FIELD_ORDER = [
  'categoryCode',
  'township',
  'description',
  'address',
  'contact.name',
  'contact.phone',
  'contact.email',
  'latitude',
  'longitude',
] as const
export type FieldKey = (typeof FIELD_ORDER)[number]
export type FieldErrors = Partial<Record<string, string>>

type Translate = (key: string, params?: Record<string, unknown>) => string

/** Mainland mobile numbers as people type them: "138 0013 8000", "+86 13800138000", full-width digits. */
export function normalisePhone(input: string): string {
  const s = input.normalize('NFKC').replace(/[\s\-()]/g, '')
  return /^\+?86(1\d{10})$/.test(s) ? s.replace(/^\+?86/, '') : s
}

const PHONE = /^1[3-9]\d{9}$/
const EMAIL = /^[^\s@]+@[^\s@]+$/

export function validateDraft(d: Draft, t: Translate): FieldErrors {
  const e: FieldErrors = {}
  const tooLong = (value: string, max: number) => {
    const count = trimmedLength(value)
    return count > max ? t('validation.tooLong', { max, count }) : undefined
  }
  if (!d.categoryCode) e.categoryCode = t('validation.categoryRequired')
  if (!d.description.trim()) e.description = t('validation.descriptionRequired')
  else e.description = tooLong(d.description, LIMITS.description)
  e.township = tooLong(d.township, LIMITS.township)
  e.address = tooLong(d.address, LIMITS.address)
  e['contact.name'] = tooLong(d.name, LIMITS.name)
  const phone = normalisePhone(d.phone.trim())
  if (phone && !PHONE.test(phone)) e['contact.phone'] = t('validation.phone')
  const email = d.email.trim()
  if (email) {
    e['contact.email'] = tooLong(email, LIMITS.email) ?? (EMAIL.test(email) ? undefined : t('validation.email'))
  }
  for (const k of Object.keys(e)) if (!e[k]) delete e[k]
  return e
}

/** The request body: trimmed, empty optional fields left out, no contact object when all are empty. */
export function toCommand(d: Draft): SubmitComplaintCommand {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined)
  const contact = {
    name: opt(d.name),
    phone: opt(normalisePhone(d.phone.trim())),
    email: opt(d.email),
  }
  const hasContact = Object.values(contact).some((v) => v !== undefined)
  return {
    categoryCode: d.categoryCode,
    description: d.description.trim(),
    township: opt(d.township),
    address: opt(d.address),
    contact: hasContact ? contact : undefined,
    latitude: d.latitude ?? undefined,
    longitude: d.longitude ?? undefined,
  }
}
