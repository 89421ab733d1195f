import type { Component } from 'vue'
import type { MessageTree } from '../../i18n'
import type { CaseAction, CaseDetail, Section } from '../api'

// A case action as the console knows it. The server describes each action once (who, when, the
// route, the events); the console adds its form. Each action is one module in this folder, found
// by `index.ts`: adding an action adds a module here and its words to the locale files.

export type Translate = (key: string, params?: Record<string, unknown>) => string

/** What is typed into an action's form, kept while the case reloads. */
export type Draft = Record<string, string>

export interface ActionContext {
  detail: CaseDetail
  t: Translate
}

export interface EventContext {
  t: Translate
  te: (key: string) => boolean
  /** A section's name by its code. */
  section: (code: string) => string
  /** A date of the bureau's calendar in the reader's words. */
  date: (ymd: string) => string
}

export type EventDetail = (data: Record<string, unknown>, context: EventContext) => string

export interface ActionSpec {
  code: CaseAction
  /** Where the POST goes, below /api/v1/staff/complaints/{trackingCode}. */
  path: string
  /** Place among the buttons: the usual next step first. */
  order: number
  /** The form; none for a one-click action. */
  form?: Component
  emptyDraft?: () => Draft
  /** The body to send, or the errors that keep it from being sent (keyed like the server's fields). */
  validate?: (draft: Draft, context: ActionContext) => { body: Record<string, unknown>; errors: Record<string, string> }
  /** The control of each field by its key; the first gets focus when the form opens. */
  fieldIds?: Record<string, string>
  /** The staff timeline's detail line for each event the action writes. */
  events?: Record<string, EventDetail>
  /** The action's own words (below `staff.`), in both languages; the shared ones are in the locale files. */
  words?: { 'zh-CN': MessageTree; en: MessageTree }
}

/** Both languages' words of an action, with the English checked against the Chinese for the same keys. */
export function bilingual<T extends MessageTree>(zh: T, en: NoInfer<T>): { 'zh-CN': MessageTree; en: MessageTree } {
  return { 'zh-CN': zh, en }
}

/** Props every action form takes: the draft it edits in place and the errors to show. */
export interface FormProps {
  action: CaseAction
  detail: CaseDetail
  sections: Section[]
  draft: Draft
  errors: Record<string, string>
}

export function text(data: Record<string, unknown> | undefined, key: string): string {
  const v = data?.[key]
  return v === null || v === undefined ? '' : String(v)
}

/** Adds "required" to `errors` when `value` is blank. */
export function required(value: string | undefined, key: string, errors: Record<string, string>, t: Translate): void {
  if (!value?.trim()) errors[key] = t('staff.actions.required')
}
