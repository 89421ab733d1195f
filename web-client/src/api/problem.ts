// RFC 9457 problem details and everything else that can go wrong with a call.

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  traceId?: string
  errors?: Record<string, string[]>
}

export type Failure =
  | { kind: 'network' }
  | { kind: 'http'; status: number; problem: Problem | null; retryAfter: number | null }

export type Outcome<T> = { ok: true; data: T; status: number; headers: Headers } | { ok: false; failure: Failure }

interface FetchResult {
  data?: unknown
  error?: unknown
  response: Response
}

/** Runs an openapi-fetch call and turns every way it can end into an Outcome. */
export async function call<R extends FetchResult>(
  run: () => Promise<R>,
): Promise<Outcome<NonNullable<R['data']>>> {
  let result: R
  try {
    result = await run()
  } catch {
    return { ok: false, failure: { kind: 'network' } }
  }
  const { response } = result
  if (response.ok && result.data !== undefined) {
    return { ok: true, data: result.data as NonNullable<R['data']>, status: response.status, headers: response.headers }
  }
  return {
    ok: false,
    failure: {
      kind: 'http',
      status: response.status,
      problem: asProblem(result.error),
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    },
  }
}

function asProblem(body: unknown): Problem | null {
  if (!body || typeof body !== 'object') return null
  const b = body as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const problem: Problem = {
    type: str(b.type),
    title: str(b.title),
    status: typeof b.status === 'number' ? b.status : undefined,
    detail: str(b.detail),
    traceId: str(b.traceId),
  }
  if (b.errors && typeof b.errors === 'object') {
    const errors: Record<string, string[]> = {}
    for (const [key, value] of Object.entries(b.errors as Record<string, unknown>)) {
      const messages = (Array.isArray(value) ? value : [value]).filter(
        (m): m is string => typeof m === 'string' && m.length > 0,
      )
      if (messages.length) {
        const k = fieldKey(key)
        errors[k] = [...(errors[k] ?? []), ...messages]
      }
    }
    problem.errors = errors
  }
  return problem
}

/** "Contact.Phone", "$.contact.phone" → "contact.phone": the client's field keys. */
export function fieldKey(key: string): string {
  return key
    .replace(/^\$\.?/, '')
    .split('.')
    .map((part) => (part ? part.charAt(0).toLowerCase() + part.slice(1) : part))
    .join('.')
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return null
  return Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

type Translate = (key: string, params?: Record<string, unknown>) => string

export interface Banner {
  message: string
  trace?: string
  details: string[]
}

/** The banner for a failure that is not a per-field validation error. */
export function failureBanner(f: Failure, t: Translate): Banner {
  if (f.kind === 'network') return { message: t('errors.network'), details: [] }
  const trace = f.problem?.traceId ? t('errors.trace', { id: f.problem.traceId }) : undefined
  let message: string
  switch (f.status) {
    case 413:
      message = t('errors.tooLarge')
      break
    case 415:
      message = t('errors.mediaType')
      break
    case 429:
      message = f.retryAfter ? t('errors.tooManyIn', { seconds: f.retryAfter }) : t('errors.tooMany')
      break
    case 502:
    case 503:
    case 504:
      message = t('errors.unavailable')
      break
    default:
      message = f.status >= 500 ? t('errors.server') : t('errors.other', { status: f.status })
  }
  // A 4xx the server explained (409, a 400 without field errors…): its words, already localised.
  const details = f.status < 500 && f.problem?.detail ? [f.problem.detail] : []
  return { message, trace, details }
}
