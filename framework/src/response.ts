// The response a handler fills in: status, headers, body (text, bytes, or an async
// iterable streamed chunked), cookies, and the `json` / `redirect` shortcuts.
import type { Roll } from './app.js'
import type { Cookies } from './cookies.js'
import { statusPhrase } from './errors.js'
import type { Request } from './request.js'

/** What a body may be: text, bytes, an async iterable of those (sent chunked), or anything else (sent as `String(x)`). */
export type Body = string | Uint8Array | AsyncIterable<unknown> | unknown

/** Header values by name, written with the case given. */
export type Headers = Record<string, string | number | string[]>

/** Where a response keeps its cookies; internal to the framework (the server reads it). */
export const COOKIES = Symbol('cookies')

/** An HTTP response; the handler sets `status`, `headers` and `body` (or `json`, `redirect`, `cookies`). */
export class Response {
  readonly app: Roll
  readonly request: Request
  headers: Headers = {}
  body: Body = ''
  #status = 200;
  [COOKIES]?: Cookies

  constructor(app: Roll, request: Request) {
    this.app = app
    this.request = request
  }

  /** Default 200; an unknown code throws a RangeError (so the request fails with 500). */
  get status(): number {
    return this.#status
  }

  set status(code: number) {
    if (statusPhrase(code) === undefined) throw new RangeError(`response.status: ${code} is not a known HTTP status code; use one of HTTPStatus.`)
    this.#status = code
  }

  /** Sets the body to `JSON.stringify(value)` and `Content-Type: application/json; charset=utf-8`. */
  set json(value: unknown) {
    this.headers['Content-Type'] = 'application/json; charset=utf-8'
    this.body = JSON.stringify(value)
  }

  /** `response.redirect = [location, status = 302]`. */
  set redirect([location, status = 302]: [string, number?] | readonly [string, number?]) {
    this.headers['Location'] = location
    this.status = status
  }

  /** Cookies to set on the client; one `Set-Cookie` header each. */
  get cookies(): Cookies {
    this[COOKIES] ??= new this.app.Cookies()
    return this[COOKIES]
  }
}
