// The server counts characters as Unicode code points after trimming (a Chinese character is 1,
// an emoji is 1). String.length counts UTF-16 units, so it is not used for limits.

export function codePointLength(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

export function trimmedLength(s: string): number {
  return codePointLength(s.trim())
}
