// The router: Roll's `{placeholder}` paths in a tree of path segments, as Roll's own router
// (autoroutes) is a tree, so a lookup costs about the same with 4 routes or 4,000. The
// first registered route that matches the whole path wins: a lookup visits every branch
// that still holds an earlier route than the best found so far, and skips the rest.
import { kindPattern, parsePath, staysInSegment, type PathPart } from './route-path.js'

export { parsePath, type PathPart } from './route-path.js'

type Vars = Record<string, string>
/** The values of a segment's placeholders, or null when the segment does not match. */
type SegmentMatcher = (segment: string) => string[] | null

interface Route<T> { index: number; payload: T; names: string[] }
/** The end of a route whose placeholder may span segments: one regex over the rest of the path. */
interface Tail<T> { regex: RegExp; groups: number[]; route: Route<T> }
interface Node<T> {
  /** The earliest route (registration index) below this node. */
  min: number
  statics?: Map<string, Node<T>>
  patterns?: { key: string; match: SegmentMatcher; node: Node<T> }[]
  tails?: Tail<T>[]
  route?: Route<T>
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** A regex of `parts` (anchored), and which group holds each placeholder. */
function partsRegex(path: string, parts: PathPart[]): { regex: RegExp; groups: number[] } {
  const groups: number[] = []
  let source = '^'
  let group = 1
  for (const part of parts) {
    if (typeof part === 'string') { source += escape(part); continue }
    const pattern = kindPattern(part.kind)
    try {
      groups.push(group)
      group += 1 + new RegExp(`${pattern}|`, 'u').exec('')!.length - 1
    } catch (error) {
      throw new SyntaxError(`Invalid route path '${path}': the placeholder '${part.name}' has an invalid regex '${part.kind}' (${(error as Error).message}).`)
    }
    source += `(${pattern})`
  }
  return { regex: new RegExp(`${source}$`, 'u'), groups }
}

const isDigits = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return false
  }
  return text.length > 0
}
// Letters and digits beyond ASCII need Unicode tables: only then a regex runs.
const wordCheck = (digits: boolean, unicode: RegExp) => (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const ascii = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (digits && code >= 48 && code <= 57)
    if (!ascii) return code > 127 && unicode.test(text)
  }
  return text.length > 0
}
// Within one segment (no '/' in it), what each named kind accepts, without a regex.
const CHECKS: Record<string, (value: string) => boolean> = {
  string: () => true,
  digit: isDigits,
  alnum: wordCheck(true, /^[\p{L}\p{N}]+$/u),
  alpha: wordCheck(false, /^\p{L}+$/u),
}

/** A matcher of one segment made of literal text and placeholders that stay in it. */
function segmentMatcher(path: string, parts: PathPart[]): SegmentMatcher {
  const placeholders = parts.filter((part) => typeof part !== 'string')
  const check = placeholders.length === 1 && Object.hasOwn(CHECKS, placeholders[0].kind) ? CHECKS[placeholders[0].kind] : undefined
  if (check) {
    const at = parts.indexOf(placeholders[0])
    const prefix = typeof parts[at - 1] === 'string' ? (parts[at - 1] as string) : ''
    const suffix = typeof parts[at + 1] === 'string' ? (parts[at + 1] as string) : ''
    if (prefix === '' && suffix === '') return (segment) => (check(segment) ? [segment] : null)
    return (segment) => {
      if (segment.length < prefix.length + suffix.length || !segment.startsWith(prefix) || !segment.endsWith(suffix)) return null
      const value = segment.slice(prefix.length, segment.length - suffix.length)
      return check(value) ? [value] : null
    }
  }
  const { regex, groups } = partsRegex(path, parts)
  return (segment) => {
    const found = regex.exec(segment)
    return found === null ? null : groups.map((group) => found[group])
  }
}

/** `parts` cut at each '/' of their literal text: one list of parts per path segment. */
function segments(parts: PathPart[]): PathPart[][] {
  const result: PathPart[][] = [[]]
  for (const part of parts) {
    if (typeof part !== 'string') { result[result.length - 1].push(part); continue }
    part.split('/').forEach((piece, i) => {
      if (i > 0) result.push([])
      if (piece !== '') result[result.length - 1].push(piece)
    })
  }
  return result
}

// What one lookup has found so far.
interface Search<T> {
  path: string
  /** An exact static route beats a placeholder that only matches empty. */
  exact: boolean
  best: Route<T> | undefined
  bestIndex: number
  bestValues: string[]
  values: string[]
}

/** What `Roll` needs of a router (its `Router` field): the contract `Router` meets, for a router of your own. */
export interface RouterLike<T extends object> {
  /** Registers `path` with `payload`, or merges `payload` into the route already there; returns the route's payload. */
  add(path: string, payload: T): T
  /** The first registered route that matches `path`, with its placeholders; `null` if none. */
  match(path: string): { payload: T; vars: Record<string, string> } | null
}

/** Routes by path. `add` merges into an existing route of the same path, as Roll does. */
export class Router<T extends object> implements RouterLike<T> {
  #byPath = new Map<string, Route<T>>()
  #static = new Map<string, Route<T>>()
  #root: Node<T> = { min: Infinity }

  /** Registers `path` with `payload`, or merges `payload` into the route already there; returns the route's payload. */
  add(path: string, payload: T): T {
    const known = this.#byPath.get(path)
    if (known) return Object.assign(known.payload, payload)
    const parts = parsePath(path)
    const names = parts.flatMap((part) => (typeof part === 'string' ? [] : [part.name]))
    const route: Route<T> = { index: this.#byPath.size, payload, names }
    if (names.length === 0) this.#static.set(path, route)
    else this.#insert(path, segments(parts), route)
    this.#byPath.set(path, route)
    return payload
  }

  #insert(path: string, pieces: PathPart[][], route: Route<T>): void {
    let node = this.#root
    node.min = Math.min(node.min, route.index)
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]
      if (piece.some((part) => typeof part !== 'string' && !staysInSegment(part.kind))) {
        // From this segment on, one regex: `{rest:path}` and regexes that may match a '/'.
        const rest = pieces.slice(i).flatMap((parts, j) => (j === 0 ? parts : ['/', ...parts]))
        ;(node.tails ??= []).push({ ...partsRegex(path, rest), route })
        return
      }
      node = piece.every((part) => typeof part === 'string') ? this.#staticChild(node, piece.join(''), route) : this.#patternChild(node, path, piece, route)
    }
    node.route ??= route // a path of the same shape registered earlier always wins
  }

  #staticChild(node: Node<T>, text: string, route: Route<T>): Node<T> {
    const statics = (node.statics ??= new Map())
    let child = statics.get(text)
    if (!child) statics.set(text, (child = { min: route.index }))
    return child
  }

  #patternChild(node: Node<T>, path: string, piece: PathPart[], route: Route<T>): Node<T> {
    // Same shape, same branch: `{id}` and `{name}` differ only in the names the route keeps.
    const key = JSON.stringify(piece.map((part) => (typeof part === 'string' ? part : { kind: part.kind })))
    const patterns = (node.patterns ??= [])
    let edge = patterns.find((candidate) => candidate.key === key)
    if (!edge) patterns.push((edge = { key, match: segmentMatcher(path, piece), node: { min: route.index } }))
    return edge.node
  }

  /** The first registered route that matches `path`, with its placeholders; `null` if none. */
  match(path: string): { payload: T; vars: Vars } | null {
    const exact = this.#static.get(path)
    const search: Search<T> = { path, exact: exact !== undefined, best: undefined, bestIndex: exact ? exact.index : Infinity, bestValues: [], values: [] }
    if (this.#root.min < search.bestIndex) this.#visit(this.#root, 0, search)
    const { best } = search
    if (best === undefined) return exact ? { payload: exact.payload, vars: {} } : null
    const vars: Vars = {}
    for (let i = 0; i < best.names.length; i++) vars[best.names[i]] = search.bestValues[i]
    return { payload: best.payload, vars }
  }

  // `start`: where the next segment of the path starts, or -1 when none is left.
  #visit(node: Node<T>, start: number, search: Search<T>): void {
    const { path, values } = search
    if (start === -1) {
      if (node.route && node.route.index < search.bestIndex) this.#found(node.route, values, search)
      return
    }
    const slash = path.indexOf('/', start)
    const segment = slash === -1 ? path.slice(start) : path.slice(start, slash)
    const next = slash === -1 ? -1 : slash + 1
    const child = node.statics?.get(segment)
    if (child && child.min < search.bestIndex) this.#visit(child, next, search)
    for (const edge of node.patterns ?? []) {
      if (edge.node.min >= search.bestIndex) continue
      const captured = edge.match(segment)
      if (captured === null) continue
      values.push(...captured)
      this.#visit(edge.node, next, search)
      values.length -= captured.length
    }
    for (const tail of node.tails ?? []) {
      if (tail.route.index >= search.bestIndex) continue
      const found = tail.regex.exec(start === 0 ? path : path.slice(start))
      if (found) this.#found(tail.route, [...values, ...tail.groups.map((group) => found[group])], search)
    }
  }

  #found(route: Route<T>, values: string[], search: Search<T>): void {
    // An exact static route beats a placeholder that only matches empty (`/hello/` against
    // `/hello/{name}`), as in Roll's router, where the static path is a node of its own.
    if (search.exact && values.includes('')) return
    search.best = route
    search.bestIndex = route.index
    search.bestValues = values.slice()
  }
}
