import type { Schemas } from '../../api'

type Question = Schemas['CategoryQuestion']

// The API's rule for question keys and option values (CategoryQuestions.KeyPattern).
const KEY = /^[a-z][a-z0-9_]{0,31}$/

/** A code from the English label ("Company name" → "company_name"), else the fallback; never one in `taken`. */
function newCode(english: string, fallback: string, taken: Set<string>): string {
  const slug = english
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 28)
    .replace(/_+$/, '')
  const base = KEY.test(slug) ? slug : fallback
  let code = base
  for (let n = 2; taken.has(code); n++) code = `${base}_${n}`
  taken.add(code)
  return code
}

/**
 * Gives new questions and options their codes. Saved ones keep theirs for good: the answers of
 * existing cases are stored under them.
 */
export function withCodes(questions: Question[]): Question[] {
  const keys = new Set(questions.map((q) => q.key).filter(Boolean))
  return questions.map((q) => {
    const values = new Set((q.options ?? []).map((o) => o.value).filter(Boolean))
    return {
      ...q,
      key: q.key || newCode(q.labelEn, 'question', keys),
      options: q.options?.map((o) => ({ ...o, value: o.value || newCode(o.en, 'option', values) })) ?? null,
    }
  })
}
