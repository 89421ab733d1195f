// Tracking codes and query passwords: 12 characters from an alphabet without look-alikes
// (no 0, 1, I, L, O). People type them from a note, a screenshot or a phone call.

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
export const CODE_LENGTH = 12
const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`)

/** Upper-case, full-width to ASCII (Chinese input methods), spaces and dashes removed. */
export function normaliseCode(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212\u30FC]/g, '')
}

export function isValidCode(normalised: string): boolean {
  return CODE_PATTERN.test(normalised)
}

/** "HB7KM2QX9TAE" → "HB7K M2QX 9TAE" (display only; copy the plain code). */
export function groupCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1 ')
}
