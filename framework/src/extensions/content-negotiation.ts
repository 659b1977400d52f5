// contentNegotiation: 406 when the Accept header matches none of the route's `accepts`.
import type Negotiator from 'negotiator'
import { HttpError, type Roll } from '../index.js'

/**
 * Refuses with 406 Not Acceptable a request to a route declaring `accepts` (media types,
 * e.g. `['text/html', 'application/json']`) whose `Accept` header matches none of them, or
 * that has no `Accept` header, as Roll does. `Accept: *\/*` and `text/*` match; a route
 * accepting `'*\/*'` takes any `Accept` header. Routes without `accepts` are left alone.
 * @example
 * contentNegotiation(app)
 * app.route('/test', { accepts: ['text/html', 'application/json'] }, handler)
 */
export function contentNegotiation(app: Roll): void {
  // Loaded here, not when the extensions are imported: an app without it starts sooner.
  let negotiator: typeof Negotiator | undefined
  const loading = import('negotiator').then((module) => (negotiator = module.default))
  const negotiate = (accept: string, accepts: string[]) => {
    if (new negotiator!({ headers: { accept } }).mediaType(accepts) === undefined) throw new HttpError(406)
  }
  app.listen('request', (request) => {
    const accepts = request.route.payload?.accepts as string[] | undefined
    if (accepts === undefined) return
    const accept = request.headers['ACCEPT']
    if (accept === undefined) throw new HttpError(406)
    if (accepts.includes('*/*')) return
    return negotiator === undefined ? loading.then(() => negotiate(accept, accepts)) : negotiate(accept, accepts)
  })
}

/** Roll's spelling of `contentNegotiation`. */
export const contentNegociation = contentNegotiation
