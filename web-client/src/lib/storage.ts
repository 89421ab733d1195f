// Web storage can be missing or throw (private mode, some in-app browsers, quota): never let that
// break the page. Everything is JSON.

type Area = 'local' | 'session'

function area(which: Area): Storage | null {
  try {
    return which === 'local' ? window.localStorage : window.sessionStorage
  } catch {
    return null
  }
}

export function readJson<T>(which: Area, key: string): T | null {
  try {
    const raw = area(which)?.getItem(key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

export function writeJson(which: Area, key: string, value: unknown): boolean {
  try {
    const s = area(which)
    if (!s) return false
    s.setItem(key, JSON.stringify(value))
    return true
  } catch {
    return false
  }
}

export function remove(which: Area, key: string): void {
  try {
    area(which)?.removeItem(key)
  } catch {
    /* nothing to do */
  }
}

export function readString(which: Area, key: string): string | null {
  try {
    return area(which)?.getItem(key) ?? null
  } catch {
    return null
  }
}

export function writeString(which: Area, key: string, value: string): void {
  try {
    area(which)?.setItem(key, value)
  } catch {
    /* nothing to do */
  }
}
