// The router: Roll's `{placeholder}` paths in a tree of path segments, as Roll's own router
// (autoroutes) is a tree, so a lookup costs about the same with 4 routes or 4,000. The
// first registered route that matches the whole path wins: a lookup visits every branch
// that still holds an earlier route than the best found so far, and skips the rest.
import { parsePath, segments, staysInSegment, type PathPart } from './route-path.js'
import { partsRegex, SegmentPattern } from './route-segment.js'

export { parsePath, type PathPart } from './route-path.js'

type Vars = Record<string, string>

interface Route<T> { index: number; payload: T; names: string[]; vars?: (values: string[]) => Vars }
/**
 * The end of a route whose placeholder may span segments: one regex over the rest of the
 * path (of shape `key`), or none when the rest is one `{x:path}` or `{x:any}` (`whole`).
 */
interface Tail<T> { key: string; regex: RegExp; groups: number[]; route: Route<T>; whole?: 'path' | 'any' }
// Every node has every field from the start: one object shape keeps the lookup's
// property reads monomorphic, which the JIT makes fast.
class Node<T> {
  /** Static children: a list in registration order (`child`, then `next`), past 8 a table by hash (`next`: in the same slot). */
  child: Node<T> | undefined = undefined
  next: Node<T> | undefined = undefined
  wide: (Node<T> | undefined)[] | undefined = undefined
  patterns: { key: string; pattern: SegmentPattern; node: Node<T> }[] | undefined = undefined
  tails: Tail<T>[] | undefined = undefined
  route: Route<T> | undefined = undefined
  /**
   * `min`: the earliest route (registration index) below this node; `text`: its segment's,
   * if static, and `code` its first character ('/' when empty, as at a path's segment end).
   */
  constructor(public min: number, public text = '', public code = text.charCodeAt(0) || 47) {}
}

/** A hash of the segment of `text` at `start`, for the table of a node's many static children. */
function hash(text: string, start: number): number {
  let hash = 0
  for (let i = start, code; i < text.length && (code = text.charCodeAt(i)) !== 47; i++) hash = (hash * 31 + code) & 0xfffffff
  return hash
}

/** The shape of `parts`: their text and kinds, without the placeholders' names. */
const shape = (parts: PathPart[]) => JSON.stringify(parts.map((part) => (typeof part === 'string' ? part : { kind: part.kind })))
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
  #root = new Node<T>(Infinity)
  #final = new Map<string, Route<T>>()

  /** Registers `path` with `payload`, or merges `payload` into the route already there; returns the route's payload. */
  add(path: string, payload: T): T {
    const known = this.#byPath.get(path)
    if (known) return Object.assign(known.payload, payload)
    const parts = parsePath(path)
    const names = parts.flatMap((part) => (typeof part === 'string' ? [] : [part.name]))
    // A path of the same shape as an earlier one (`/foo/{baz:digit}` after
    // `/foo/{bar:digit}`) is that route: the payloads merge and the first names stay.
    const route = this.#insert(path, segments(parts), { index: this.#byPath.size, payload, names })
    this.#byPath.set(path, route)
    if (route.payload !== payload) return Object.assign(route.payload, payload)
    // A static path that wins over every route registered before it wins for good: the
    // routes after it come later. Such paths are answered by one Map lookup.
    if (names.length === 0 && this.match(path)?.payload === payload) this.#final.set(path, route)
    return payload
  }

  /** Puts `route` in the tree and returns it, or the route of the same shape already there. */
  #insert(path: string, pieces: PathPart[][], route: Route<T>): Route<T> {
    let node = this.#root
    node.min = Math.min(node.min, route.index)
    for (let i = 0; ; i++) {
      if (i === pieces.length) return (node.route ??= route)
      const piece = pieces[i]
      if (piece.some((part) => typeof part !== 'string' && !staysInSegment(part.kind))) {
        // From this segment on, one regex: `{rest:path}` and regexes that may match a '/'.
        const rest = pieces.slice(i).flatMap((parts, j) => (j === 0 ? parts : ['/', ...parts]))
        const key = shape(rest)
        const known = node.tails?.find((tail) => tail.key === key)
        if (known) return known.route
        const [only] = rest
        const whole = rest.length === 1 && typeof only !== 'string' && (only.kind === 'path' || only.kind === 'any') ? only.kind : undefined
        ;(node.tails ??= []).push({ key, ...partsRegex(path, rest), route, whole })
        return route
      }
      node = piece.every((part) => typeof part === 'string') ? this.#staticChild(node, piece.join(''), route) : this.#patternChild(node, path, piece, route)
    }
  }

  #staticChild(node: Node<T>, text: string, route: Route<T>): Node<T> {
    let child = node.wide === undefined ? node.child : node.wide[hash(text, 0) & (node.wide.length - 1)]
    while (child !== undefined && child.text !== text) child = child.next
    if (child !== undefined) return child
    const list: Node<T>[] = []
    for (const first of node.wide ?? [node.child]) for (let other = first; other !== undefined; other = other.next) list.push(other)
    list.push((child = new Node<T>(route.index, text)))
    if (list.length <= 8) {
      for (let i = 1; i < list.length; i++) list[i - 1].next = list[i]
      node.child = list[0]
      return child
    }
    // A table of at least twice as many slots as children, rebuilt twice as large when they outgrow it.
    const grow = node.wide === undefined || list.length * 2 > node.wide.length
    const wide = (node.wide = grow ? Array.from({ length: 2 ** Math.ceil(Math.log2(list.length * 2)) }, () => undefined) : node.wide!)
    node.child = undefined
    for (const one of grow ? list : [child]) {
      const at = hash(one.text, 0) & (wide.length - 1)
      one.next = wide[at]
      wide[at] = one
    }
    return child
  }

  #patternChild(node: Node<T>, path: string, piece: PathPart[], route: Route<T>): Node<T> {
    // Same shape, same branch: `{id}` and `{name}` differ only in the names the route keeps.
    const key = shape(piece)
    const patterns = (node.patterns ??= [])
    let edge = patterns.find((candidate) => candidate.key === key)
    if (!edge) patterns.push((edge = { key, pattern: new SegmentPattern(path, piece), node: new Node<T>(route.index) }))
    return edge.node
  }

  // The state of one lookup (match is synchronous): the path, the static route equal to
  // it if any, the best route found so far with its vars, and the placeholders' values
  // on the branch being visited (the first `count` of `#values`, overwritten as the
  // search goes back up).
  #path = ''
  #exact: Route<T> | undefined
  #best: Route<T> | undefined
  #bestIndex = Infinity
  #vars: Vars = {}
  #values: string[] = []

  /** The first registered route that matches `path`, with its placeholders; `null` if none. */
  match(path: string): { payload: T; vars: Vars } | null {
    const final = this.#final.get(path)
    if (final !== undefined) return { payload: final.payload, vars: {} }
    this.#path = path
    this.#exact = undefined
    this.#best = undefined
    this.#bestIndex = Infinity
    this.#visit(this.#root, 0, 0)
    const best = this.#best as Route<T> | undefined // set by #visit
    return best === undefined ? null : { payload: best.payload, vars: this.#vars }
  }

  // `start`: where the next segment of the path starts, or -1 when none is left. Static
  // children go first, so the static route equal to the path, if any, is known before
  // any placeholder is tried. The last branch tried at a node is a step of the loop, not a call.
  #visit(node: Node<T>, start: number, count: number): void {
    const path = this.#path
    for (;;) {
      if (start === -1) {
        const { route } = node
        if (route !== undefined && route.index < this.#bestIndex) this.#found(route, count)
        return
      }
      const { patterns, tails } = node
      const last = patterns === undefined && tails === undefined
      let child = node.wide === undefined ? node.child : node.wide[hash(path, start) & (node.wide.length - 1)]
      if (child !== undefined) {
        const code = path.charCodeAt(start) || 47
        let end = start
        for (; child !== undefined; child = child.next) {
          if (child.code !== code) continue
          end = start + child.text.length
          if ((end === path.length || path.charCodeAt(end) === 47) && (end === start || path.slice(start, end) === child.text)) break
        }
        if (child !== undefined && child.min < this.#bestIndex) {
          if (last) { node = child; start = end === path.length ? -1 : end + 1; continue }
          this.#visit(child, end === path.length ? -1 : end + 1, count)
        } else if (last) return
      }
      if (tails !== undefined) this.#tails(tails, start, count)
      if (patterns === undefined) return
      const slash = path.indexOf('/', start)
      const next = slash === -1 ? -1 : slash + 1
      const segment = slash === -1 ? (start === 0 ? path : path.slice(start)) : path.slice(start, slash)
      const lastEdge = patterns.length - 1
      for (let i = 0; i < lastEdge; i++) {
        const edge = patterns[i]
        if (edge.node.min >= this.#bestIndex) continue
        const after = edge.pattern.match(segment, this.#values, count)
        if (after !== -1) this.#visit(edge.node, next, after)
      }
      const edge = patterns[lastEdge]
      if (edge.node.min >= this.#bestIndex || (count = edge.pattern.match(segment, this.#values, count)) === -1) return
      node = edge.node
      start = next
    }
  }

  #tails(tails: Tail<T>[], start: number, count: number): void {
    const rest = start === 0 ? this.#path : this.#path.slice(start)
    for (const tail of tails) {
      if (tail.route.index >= this.#bestIndex || (tail.whole === 'path' && rest === '')) continue
      let after = count
      if (tail.whole !== undefined) this.#values[after++] = rest
      else {
        const found = tail.regex.exec(rest)
        if (found === null) continue
        for (const group of tail.groups) this.#values[after++] = found[group]
      }
      this.#found(tail.route, after)
    }
  }

  #found(route: Route<T>, count: number): void {
    const values = this.#values
    // An exact static route beats a placeholder that only matches empty (`/hello/` against
    // `/hello/{name}`), as in Roll's router, where the static path is a node of its own.
    if (route.names.length === 0) this.#exact = route
    else if (this.#exact !== undefined) for (let i = 0; i < count; i++) if (values[i] === '') return
    this.#best = route
    this.#bestIndex = route.index
    // A function per route builds its vars as one object literal, of one shape (names are identifiers).
    route.vars ??= new Function('v', `return { ${route.names.map((name, i) => `${name}: v[${i}]`).join(', ')} }`) as (values: string[]) => Vars
    this.#vars = route.vars(values)
  }
}
