// The tree router against the linear one it replaced (test/oracle/linear-router.ts), on
// random route tables of every placeholder kind and random paths: the same route wins,
// with the same placeholders, or neither matches. Paths are drawn both at random and by
// filling a route's placeholders, so that most lookups hit something.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Router } from '../src/router.js'
import { LinearRouter } from './oracle/linear-router.js'

const KINDS = ['', ':digit', ':alnum', ':alpha', ':path', ':any', ':[0-9]{2}', ':[a-z]+', ':\\d+', ':(?:en|fr)', ':[^/]+', ':.+?', ':a|b', ':[a-c]*']
const LITERALS = ['a', 'b', 'ab', 'x1', '.', '-', 'é', '2']
const CHARS = ['a', 'b', 'c', '1', '2', '.', '-', '/', 'é', 'x', 'n', '\n']

interface Piece { literal?: string; kind?: string }
const piece = fc.oneof(
  fc.constantFrom(...LITERALS).map((literal): Piece => ({ literal })),
  fc.constantFrom(...KINDS).map((kind): Piece => ({ kind })),
)
// A route: segments of up to three pieces, maybe a trailing slash; placeholders named in
// order, p0, p1… or q0, q1… (routes of one shape may differ only in their names).
const route = fc.record({ segments: fc.array(fc.array(piece, { minLength: 1, maxLength: 3 }), { minLength: 0, maxLength: 4 }), slash: fc.boolean(), name: fc.constantFrom('p', 'q') }).map(({ segments, slash, name }) => {
  let n = 0
  const text = segments.map((pieces) => pieces.map((p) => p.literal ?? `{${name}${n++}${p.kind}}`).join('')).join('/')
  return `/${text}${slash && text !== '' ? '/' : ''}`
})
const randomPath = fc.array(fc.constantFrom(...CHARS), { maxLength: 14 }).map((chars) => `/${chars.join('')}`)
const value = fc.array(fc.constantFrom(...CHARS.filter((c) => c !== '/'), '', 'en', '42', 'a/b'), { maxLength: 3 }).map((parts) => parts.join(''))
// A path made from a route by putting values where its placeholders are.
const filled = (routes: string[]) => fc.tuple(fc.nat({ max: routes.length - 1 }), fc.array(value, { minLength: 8, maxLength: 8 })).map(([at, values]) => {
  let i = 0
  return routes[at].replace(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/g, () => values[i++ % values.length])
})

function table(paths: string[]) {
  const tree = new Router<{ id: number }>()
  const linear = new LinearRouter<{ id: number }>()
  paths.forEach((path, id) => {
    tree.add(path, { id })
    linear.add(path, { id })
  })
  const answer = (router: Router<{ id: number }> | LinearRouter<{ id: number }>, path: string) => {
    const found = router.match(path)
    return found && { id: found.payload.id, vars: found.vars }
  }
  return { check: (path: string) => expect(answer(tree, path), `${path} in ${JSON.stringify(paths)}`).toEqual(answer(linear, path)) }
}

describe('Router (a tree) against the linear router it replaced', () => {
  it('answers every path the same on random tables', () => {
    // Some routes come back later under other names: same shape, the earlier one wins.
    const routes = fc.uniqueArray(route, { minLength: 1, maxLength: 12 }).chain((paths) =>
      fc.subarray(paths).map((twins) => [...new Set([...paths, ...twins.map((path) => path.replace(/\{p(\d)/g, '{q$1'))])]),
    )
    fc.assert(
      fc.property(routes.chain((paths) => fc.tuple(fc.constant(paths), fc.array(fc.oneof(randomPath, filled(paths)), { minLength: 1, maxLength: 20 }))), ([paths, lookups]) => {
        const { check } = table(paths)
        for (const path of lookups) check(path)
      }),
      { numRuns: 1500, seed: 20261202 },
    )
  })

  it('answers the same when static routes sit among placeholders that may match empty', () => {
    const statics = fc.constantFrom('/', '/a', '/a/', '/a/b', '/ab.', '/a/b/', '/x1')
    const routes = fc.uniqueArray(fc.oneof(route, statics), { minLength: 1, maxLength: 10 })
    fc.assert(
      fc.property(routes.chain((paths) => fc.tuple(fc.constant(paths), fc.array(fc.oneof(statics, filled(paths), randomPath), { maxLength: 15 }))), ([paths, lookups]) => {
        const { check } = table(paths)
        for (const path of lookups) check(path)
      }),
      { numRuns: 1000, seed: 20261203 },
    )
  })

  it('answers the same on nodes of many static children and on texts that share a start', () => {
    // Past 8 static children a node keeps them in a table by hash: 'Aa' and 'BB' hash alike.
    const literal = fc.constantFrom('Aa', 'BB', 'a', 'ab', 'abc', 'b', 'ba', '%41', 'é', '\0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', '')
    const staticPath = fc.array(literal, { minLength: 1, maxLength: 3 }).map((segments) => `/${segments.join('/')}`)
    // A static path alone is answered by one Map lookup: with placeholders after it, by the tree.
    const below = fc.tuple(staticPath, fc.constantFrom('', '/{p0}', '/{p0:digit}/x', '/{p0}.{p1}')).map(([path, rest]) => path + rest)
    const routes = fc.uniqueArray(fc.oneof(below, below, route), { minLength: 1, maxLength: 30 })
    fc.assert(
      fc.property(routes.chain((paths) => fc.tuple(fc.constant(paths), fc.array(fc.oneof(staticPath, filled(paths), filled(paths), randomPath), { maxLength: 20 }))), ([paths, lookups]) => {
        const { check } = table(paths)
        for (const path of lookups) check(path)
      }),
      { numRuns: 500, seed: 20261204 },
    )
  })

  it('refuses the same invalid regexes, with the same message', () => {
    for (const path of ['/a/{x:(}', '/{x:[}/b', '/a{x:+}']) {
      expect(() => new Router().add(path, {})).toThrow(SyntaxError)
      expect(() => new Router().add(path, {})).toThrow((() => { try { new LinearRouter().add(path, {}) } catch (error) { return (error as Error).message } return 'no error' })())
    }
  })
})
