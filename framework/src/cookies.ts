// Cookies that a response sets, each serialized to a `Set-Cookie` header by the
// `cookie` package (names and values are validated when they are set).
import { stringifySetCookie } from 'cookie'

/** Attributes of a cookie, spelled out as RFC 6265 `Set-Cookie` attributes. */
export interface CookieOptions {
  /** Default `/`. */
  path?: string
  domain?: string
  /** Seconds. */
  maxAge?: number
  expires?: Date
  secure?: boolean
  httpOnly?: boolean
  sameSite?: boolean | 'lax' | 'strict' | 'none' | 'Lax' | 'Strict' | 'None'
  partitioned?: boolean
  priority?: 'low' | 'medium' | 'high'
}

/**
 * The cookies a response sets: `response.cookies.set('session', 'abc', { httpOnly: true })`.
 * Each becomes one `Set-Cookie` header.
 */
export class Cookies {
  #headers = new Map<string, string>()

  /** Sets (or replaces) the cookie `name`; throws a TypeError for a name or value a cookie cannot hold. */
  set(name: string, value: string, options: CookieOptions = {}): this {
    const sameSite = typeof options.sameSite === 'string' ? (options.sameSite.toLowerCase() as 'lax') : options.sameSite
    this.#headers.set(name, stringifySetCookie(name, value, { path: '/', ...options, sameSite }))
    return this
  }

  /** Forgets a cookie set earlier on this response; true if there was one. */
  delete(name: string): boolean {
    return this.#headers.delete(name)
  }

  has(name: string): boolean {
    return this.#headers.has(name)
  }

  get size(): number {
    return this.#headers.size
  }

  /** The `Set-Cookie` header values, one per cookie. */
  headers(): string[] {
    return [...this.#headers.values()]
  }
}
