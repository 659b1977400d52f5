// namedUrl: names routes and builds their URLs back from a name and parameters.
import { parsePath, type PathPart, type Roll } from '../index.js'

/** Builds the URL of a named route: `urlFor('item', { id: 42 })` gives `/items/42`. */
export type UrlFor = (name: string, params?: Record<string, string | number>) => string

// Placeholder values are percent-encoded, `/` kept, so that `request.path` decodes them back.
const encode = (value: string | number) => String(value).split('/').map(encodeURIComponent).join('/')

/**
 * Records the routes registered from now on under their `name` option, else their
 * handler's (function or class) name lower-cased (anonymous handlers are skipped), and
 * returns `urlFor`. Two different handlers under one name throw; so do an unknown name
 * and a missing parameter.
 * @example
 * const urlFor = namedUrl(app)
 * app.route('/items/{id:digit}', function item(request, response) {})
 * urlFor('item', { id: 42 }) // '/items/42'
 */
export function namedUrl(app: Roll): UrlFor {
  const registry = new Map<string, { path: string; parts: PathPart[]; view: Function }>()
  app.listen('route:add', (path, view, options) => {
    const name = options.name || view.name.toLowerCase()
    // An inline arrow function has no name: such a route simply cannot be looked up.
    if (!name) return
    const known = registry.get(name)
    if (known !== undefined && known.view !== view) {
      throw new Error(
        `namedUrl: route '${path}' is named '${name}', which already names '${known.path}' (another handler). ` +
          'Give one of them a distinct `name` option (and distinct names when calling staticFiles twice).',
      )
    }
    if (known === undefined) registry.set(name, { path, parts: parsePath(path), view })
  })
  return (name, params = {}) => {
    const route = registry.get(name)
    if (route === undefined) throw new Error(`urlFor: no route named '${name}'; known names: ${[...registry.keys()].join(', ') || 'none'}.`)
    return route.parts.map((part) => {
      if (typeof part === 'string') return part
      if (!(part.name in params)) throw new Error(`urlFor('${name}'): missing parameter '${part.name}' for '${route.path}'.`)
      return encode(params[part.name])
    }).join('')
  }
}
