// HTTP statuses with Python's names (`HTTPStatus.NOT_FOUND`), and HttpError, which
// handlers throw to answer with a status and a message.

/** Status codes by Python's `http.HTTPStatus` names, e.g. `HTTPStatus.NOT_FOUND === 404`. */
export const HTTPStatus = {
  CONTINUE: 100, SWITCHING_PROTOCOLS: 101, PROCESSING: 102, EARLY_HINTS: 103,
  OK: 200, CREATED: 201, ACCEPTED: 202, NON_AUTHORITATIVE_INFORMATION: 203, NO_CONTENT: 204,
  RESET_CONTENT: 205, PARTIAL_CONTENT: 206, MULTI_STATUS: 207, ALREADY_REPORTED: 208, IM_USED: 226,
  MULTIPLE_CHOICES: 300, MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, NOT_MODIFIED: 304,
  USE_PROXY: 305, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308,
  BAD_REQUEST: 400, UNAUTHORIZED: 401, PAYMENT_REQUIRED: 402, FORBIDDEN: 403, NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405, NOT_ACCEPTABLE: 406, PROXY_AUTHENTICATION_REQUIRED: 407,
  REQUEST_TIMEOUT: 408, CONFLICT: 409, GONE: 410, LENGTH_REQUIRED: 411, PRECONDITION_FAILED: 412,
  REQUEST_ENTITY_TOO_LARGE: 413, CONTENT_TOO_LARGE: 413, REQUEST_URI_TOO_LONG: 414, URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415, REQUESTED_RANGE_NOT_SATISFIABLE: 416, RANGE_NOT_SATISFIABLE: 416,
  EXPECTATION_FAILED: 417, IM_A_TEAPOT: 418, MISDIRECTED_REQUEST: 421, UNPROCESSABLE_ENTITY: 422,
  UNPROCESSABLE_CONTENT: 422, LOCKED: 423, FAILED_DEPENDENCY: 424, TOO_EARLY: 425,
  UPGRADE_REQUIRED: 426, PRECONDITION_REQUIRED: 428, TOO_MANY_REQUESTS: 429,
  REQUEST_HEADER_FIELDS_TOO_LARGE: 431, UNAVAILABLE_FOR_LEGAL_REASONS: 451,
  INTERNAL_SERVER_ERROR: 500, NOT_IMPLEMENTED: 501, BAD_GATEWAY: 502, SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504, HTTP_VERSION_NOT_SUPPORTED: 505, VARIANT_ALSO_NEGOTIATES: 506,
  INSUFFICIENT_STORAGE: 507, LOOP_DETECTED: 508, NOT_EXTENDED: 510, NETWORK_AUTHENTICATION_REQUIRED: 511,
} as const

// Phrases as Python gives them, where they differ from the name in title case.
const SPECIAL_PHRASES: Record<number, string> = {
  200: 'OK', 203: 'Non-Authoritative Information', 207: 'Multi-Status', 226: 'IM Used',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 416: 'Requested Range Not Satisfiable',
  418: "I'm a Teapot", 422: 'Unprocessable Entity', 451: 'Unavailable For Legal Reasons',
  505: 'HTTP Version Not Supported',
}

const PHRASES = new Map<number, string>()
for (const [name, code] of Object.entries(HTTPStatus)) {
  if (PHRASES.has(code)) continue
  const titled = name.toLowerCase().replace(/(^|_)(\w)/g, (_, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase())
  PHRASES.set(code, SPECIAL_PHRASES[code] ?? titled)
}

/** The reason phrase of a status code (`statusPhrase(404) === 'Not Found'`), or `undefined` for an unknown code. */
export function statusPhrase(code: number): string | undefined {
  return PHRASES.get(code)
}

/**
 * An error that becomes the response: its `status` (default 500) and its `message`
 * (default: the status phrase) as the body.
 * @example throw new HttpError(HTTPStatus.BAD_REQUEST, 'Run, you foo(l)!')
 */
export class HttpError extends Error {
  status: number

  constructor(status: number = HTTPStatus.INTERNAL_SERVER_ERROR, message?: string, options?: { cause?: unknown }) {
    const phrase = statusPhrase(status)
    if (phrase === undefined) throw new RangeError(`HttpError: ${status} is not a known HTTP status code; use one of HTTPStatus.`)
    super(message ?? phrase, options)
    this.name = 'HttpError'
    this.status = status
  }

  /** An HttpError for an answer that is no bug (a 404, a 405), without the stack trace that would cost more than the rest. */
  static answer(status: number, message?: string): HttpError {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return new HttpError(status, message)
    } finally {
      Error.stackTraceLimit = limit
    }
  }
}
