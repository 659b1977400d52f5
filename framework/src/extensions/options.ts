// options: answers OPTIONS requests at once, before routing goes any further.
import type { Roll } from '../index.js'

/**
 * Answers every `OPTIONS` request with an empty 200 before its route runs (the
 * `response` event still fires, so `cors` adds its headers: a preflight answer).
 * @example cors(app, { methods: '*' }); options(app)
 */
export function options(app: Roll): void {
  app.listen('headers', (request) => request.method === 'OPTIONS')
}
