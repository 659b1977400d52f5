// HTTP Basic authentication (RFC 7617) for Roll handlers: Roll's "protect a view with a
// decorator", with the parts its guide skipped (parsing, constant time, the challenge).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Handler, Request, Response } from '@roll/framework'

/** The expected user name and password, and the realm named in the challenge. */
export interface BasicAuthOptions {
  username: string
  password: string
  /** Default `'Roll app'`. */
  realm?: string
}

/** A user name and password sent by a client. */
export interface Credentials {
  username: string
  password: string
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The credentials of an `Authorization: Basic …` header, or `undefined` when it is missing or malformed. */
export function parseBasic(header: string | undefined): Credentials | undefined {
  // The scheme is case-insensitive (RFC 7235 §2.1); the token is strict base64.
  const match = /^basic +(\S+) *$/i.exec(header ?? '')
  if (!match || match[1].length % 4 !== 0 || !BASE64.test(match[1])) return undefined
  let decoded: string
  try {
    decoded = utf8.decode(Buffer.from(match[1], 'base64'))
  } catch {
    return undefined
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

// Hashing first gives both sides the same length, which timingSafeEqual needs, so neither
// the content nor the length of the secret shows in the response time.
const digest = (value: string) => createHash('sha256').update(value).digest()
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected))

/** AUTH_USERNAME, AUTH_PASSWORD and AUTH_REALM from the environment; `undefined` when a credential is unset. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): BasicAuthOptions | undefined {
  const { AUTH_USERNAME: username, AUTH_PASSWORD: password, AUTH_REALM: realm } = env
  if (!username || !password) return undefined
  return { username, password, realm }
}

/**
 * Basic authentication against `options`; without options every check fails, so a
 * missing configuration locks the protected routes instead of opening them.
 * `check` tells whether a request is authorized and, when not, turns the response
 * into a 401 challenge; `authRequired` wraps a handler with it.
 * @example
 * const { authRequired } = basicAuth({ username: 'ada', password: process.env.PASSWORD! })
 * app.route('/private', authRequired(async (request, response) => { response.body = 'secret' }))
 */
export function basicAuth(options: BasicAuthOptions | undefined) {
  const realm = (options?.realm ?? 'Roll app').replace(/["\\]/g, '')

  function check(request: Request, response: Response): boolean {
    const given = parseBasic(request.headers['AUTHORIZATION'])
    if (given && options) {
      // Both comparisons always run: `&&` would skip the second and tell which one failed.
      const user = sameSecret(given.username, options.username)
      const password = sameSecret(given.password, options.password)
      if (user && password) {
        request.set('user', given.username)
        return true
      }
    }
    response.status = 401
    response.headers['WWW-Authenticate'] = `Basic realm="${realm}", charset="UTF-8"`
    response.body = 'Unauthorized'
    return false
  }

  /** The handler, run only for authorized requests; the others get the 401 challenge. */
  function authRequired<Params>(handler: Handler<Params>): Handler<Params> {
    return async function authorized(request, response, params) {
      if (check(request, response)) await handler(request, response, params)
    }
  }

  return { check, authRequired }
}
