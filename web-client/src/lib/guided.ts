import { api } from '../api/client'
import { call } from '../api/problem'
import type { components } from '../api/schema'
import { codePointLength } from './text'

// Guided reporting: the category's questions, the township list and the service area. Answers
// are checked here the way the server checks them, so people see a mistake before sending.

export type Question = components['schemas']['ListCategoriesQuestion']
export type Township = components['schemas']['ListTownshipsItem']
export type ServiceArea = components['schemas']['ServiceArea']
export interface Pin {
  latitude: number
  longitude: number
}

type Translate = (key: string, params?: Record<string, unknown>) => string

// Control characters other than line breaks and tabs, and bidirectional overrides: refused by the server.
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Errors keyed as the server names them: "answers.when". */
/** enforceRequired false: staff registering a call or letter, where the caller may not have said. */
export function validateAnswers(
  questions: Question[],
  answers: Record<string, string>,
  t: Translate,
  enforceRequired = true,
): Record<string, string> {
  const e: Record<string, string> = {}
  for (const q of questions) {
    const value = (answers[q.key] ?? '').trim()
    const key = `answers.${q.key}`
    if (!value) {
      if (q.required && enforceRequired) e[key] = t('guided.answerRequired')
    } else if (HIDDEN.test(value)) e[key] = t('guided.hidden')
    else if (q.kind === 'choice' && !(q.options ?? []).some((o) => o.value === value)) e[key] = t('guided.chooseOption')
    else if (q.kind === 'text' && q.maxLength && codePointLength(value) > q.maxLength)
      e[key] = t('validation.tooLong', { max: q.maxLength, count: codePointLength(value) })
  }
  return e
}

/** The answers to send: only the category's own questions, trimmed, blank ones left out. */
export function answersFor(questions: Question[], answers: Record<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {}
  for (const q of questions) {
    const v = (answers[q.key] ?? '').trim()
    if (v) out[q.key] = v
  }
  return Object.keys(out).length ? out : undefined
}

export function insideArea(pin: Pin, area: ServiceArea): boolean {
  return pin.latitude >= area.south && pin.latitude <= area.north && pin.longitude >= area.west && pin.longitude <= area.east
}

// Reference data: one request each per page load and language.
const townships = new Map<string, Promise<Township[] | null>>()
let area: Promise<ServiceArea | null> | null = null

export function loadTownships(language: string): Promise<Township[] | null> {
  let p = townships.get(language)
  if (!p) {
    p = call(() => api().GET('/api/v1/townships')).then((o) => (o.ok ? o.data : null))
    townships.set(language, p)
    void p.then((list) => list ?? townships.delete(language))
  }
  return p
}

export function loadServiceArea(): Promise<ServiceArea | null> {
  if (!area) {
    area = call(() => api().GET('/api/v1/service-area')).then((o) => (o.ok ? o.data : null))
    void area.then((a) => a ?? (area = null))
  }
  return area
}
