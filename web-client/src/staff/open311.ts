// What the console does with what other systems send through Open311, and the key form's budget.

/** Only an http(s) address becomes a link; anything else another system sent (javascript:, data:, …) stays text. */
export function isWebLink(url: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol)
  } catch {
    return false
  }
}

/**
 * The "requests a minute" box: empty means the API's default (null); a whole number goes to the
 * API, which checks the range and answers at the field; anything else is refused here.
 */
export function requestsPerMinute(text: string): number | null | 'invalid' {
  const value = text.trim()
  if (!value) return null
  return /^\d{1,6}$/.test(value) ? Number(value) : 'invalid'
}
