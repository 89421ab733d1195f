import type { Component } from 'vue'
import { addMessages } from '../../i18n'
import type { CaseAction } from '../api'
import type { ActionSpec, EventDetail } from './spec'

// Every module in this folder that exports `spec` is an action the console can offer; a form
// component's own module is that action's form.
const modules = import.meta.glob<{ spec?: ActionSpec; default?: Component }>(['./*.ts', './*.vue', '!./index.ts', '!./spec.ts'], {
  eager: true,
})

export const ACTIONS: ActionSpec[] = Object.entries(modules)
  .flatMap(([file, m]) => (m.spec ? [{ ...m.spec, form: m.spec.form ?? (file.endsWith('.vue') ? m.default : undefined) }] : []))
  .sort((a, b) => a.order - b.order)

for (const a of ACTIONS) if (a.words) addMessages({ staff: a.words['zh-CN'] }, { staff: a.words.en })

const byCode = new Map(ACTIONS.map((a) => [a.code, a]))

export function actionSpec(code: CaseAction): ActionSpec | undefined {
  return byCode.get(code)
}

/** The staff timeline's detail for an event written by an action, if one of them words it. */
export function actionEventDetail(type: string): EventDetail | undefined {
  for (const a of ACTIONS) if (a.events?.[type]) return a.events[type]
  return undefined
}
