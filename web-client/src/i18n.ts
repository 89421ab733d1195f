import { createI18n, type MessageFunction } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import { readString, writeString } from './lib/storage'

export type AppLocale = 'zh-CN' | 'en'
const LOCALE_KEY = 'feedback.locale'

export type MessageTree = { [key: string]: string | MessageFunction | MessageTree }
type Literal<T> = { [K in keyof T]: T[K] extends string ? MessageFunction : T[K] extends MessageFunction ? T[K] : Literal<T[K]> }

/**
 * Every message becomes a message function, so the build needs no message compiler
 * (__INTLIFY_DROP_MESSAGE_COMPILER__) and a text is shown exactly as written: characters such as
 * @ { } | are never parsed. Messages with parameters are written as functions in the locale files.
 */
export function literal<T extends MessageTree>(tree: T): Literal<T> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(tree)) {
    out[key] = typeof value === 'string' ? () => value : typeof value === 'function' ? value : literal(value)
  }
  return out as Literal<T>
}

function initialLocale(): AppLocale {
  // Chinese first: English only when the user chose it here before.
  return readString('local', LOCALE_KEY) === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': literal(zhCN), en: literal(en) },
  missingWarn: false,
  fallbackWarn: false,
})

/** Adds messages loaded later (the staff console's, with its chunk) to both languages. */
export function addMessages(zh: MessageTree, en: MessageTree): void {
  i18n.global.mergeLocaleMessage('zh-CN', literal(zh))
  i18n.global.mergeLocaleMessage('en', literal(en))
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  writeString('local', LOCALE_KEY, locale)
  document.documentElement.lang = locale
}

document.documentElement.lang = currentLocale()
