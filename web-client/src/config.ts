// Runtime configuration, read from config.json beside index.html before the app mounts,
// so one build serves any deployment. apiBaseUrl "" means "same origin as the page".

export interface RuntimeConfig {
  apiBaseUrl: string
}

export async function loadConfig(): Promise<RuntimeConfig> {
  try {
    const res = await fetch('config.json', { cache: 'no-store', credentials: 'same-origin' })
    if (res.ok) {
      const json: unknown = await res.json()
      const base = (json as { apiBaseUrl?: unknown } | null)?.apiBaseUrl
      if (typeof base === 'string') return { apiBaseUrl: base.trim().replace(/\/+$/, '') }
    }
    console.warn('config.json missing or invalid; using the same origin for the API')
  } catch {
    console.warn('config.json could not be read; using the same origin for the API')
  }
  return { apiBaseUrl: '' }
}
