// The router: Roll's `{placeholder}` paths in a tree of path segments, as Roll's own router
// (autoroutes) is a tree, so a lookup costs about the same with 4 routes or 4,000. The
// first registered route that matches the whole path wins: a lookup visits every branch
// that still holds an earlier route than the best found so far, and skips the rest.
import { parsePath, segments, staysInSegment, type PathPart } from './route-path.js'
import { partsRegex, SegmentPattern } from './route-segment.js'

export { parsePath, type PathPart } from './route-path.js'

type Vars = Record<string, string>

interface Route<T> { index: number; payload: T; names: string[] }
/**
 * The end of a route whose placeholder may span segments: one regex over the rest of the
 * path (of shape `key`), or none when the rest is one `{x:path}` or `{x:any}` (`whole`).
 */
interface Tail<T> { key: string; regex: RegExp; groups: number[]; route: Route<T>; whole?: 'path' | 'any' }
// Every node has every field from the start: one object shape keeps the lookup's
// property reads monomorphic, which the JIT makes fast.
class Node<T> {
  statics: Map<string, Node<T>> | undefined = undefined
  /** The only static child and the single children below it that hold nothing else, compared at once ('api/v1'). */
  jump: Node<T> | undefined = undefined
  jumpText = ''
  patterns: { key: string; pattern: SegmentPattern; node: Node<T> }[] | undefined = undefined
  tails: Tail<T>[] | undefined = undefined
  route: Route<T> | undefined = undefined
  /** `min`: the earliest route (registration index) below this node. */
  constructor(public min: number) {}
}

const NONE: never[] = []
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
  #compacted = true

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
    if (names.length === 0 && this.#search(path)?.payload === payload) this.#final.set(path, route)
    return payload
  }

  /** Puts `route` in the tree and returns it, or the route of the same shape already there. */
  #insert(path: string, pieces: PathPart[][], route: Route<T>): Route<T> {
    this.#compacted = false
    let node = this.#root
    node.min = Math.min(node.min, route.index)
    for (let i = 0; ; i++) {
      // The shortcuts of the nodes on the way may skip what this route adds: until the
      // next lookup sets them again, these nodes go through their Map.
      node.jump = undefined
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

  // Sets every node's jump: its static child, through the children that only lead on.
  #compact(node: Node<T>): void {
    node.jump = undefined
    node.jumpText = ''
    const statics = node.statics ?? new Map<string, Node<T>>()
    if (statics.size === 1) {
      let [[text, target]] = statics
      while (target.route === undefined && target.patterns === undefined && target.tails === undefined && target.statics?.size === 1) {
        const [[next, below]] = target.statics
        text += `/${next}`
        target = below
      }
      node.jump = target
      node.jumpText = text
    }
    for (const child of node.statics?.values() ?? NONE) this.#compact(child)
    for (const edge of node.patterns ?? NONE) this.#compact(edge.node)
  }

  #staticChild(node: Node<T>, text: string, route: Route<T>): Node<T> {
    const statics = (node.statics ??= new Map())
    let child = statics.get(text)
    if (!child) statics.set(text, (child = new Node(route.index)))
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
  // it if any, the best route found so far with its values, and the placeholders' values
  // on the branch being visited (the first `count` of `#values`, overwritten as the
  // search goes back up).
  #path = ''
  #exact: Route<T> | undefined
  #best: Route<T> | undefined
  #bestIndex = Infinity
  #bestValues: string[] = []
  #values: string[] = []

  /** The first registered route that matches `path`, with its placeholders; `null` if none. */
  match(path: string): { payload: T; vars: Vars } | null {
    if (!this.#compacted) {
      this.#compact(this.#root)
      this.#compacted = true
    }
    const final = this.#final.get(path)
    if (final !== undefined) return { payload: final.payload, vars: {} }
    return this.#search(path)
  }

  #search(path: string): { payload: T; vars: Vars } | null {
    this.#path = path
    this.#exact = undefined
    this.#best = undefined
    this.#bestIndex = Infinity
    this.#visit(this.#root, 0, 0)
    const best = this.#best as Route<T> | undefined // set by #visit
    if (best === undefined) return null
    const vars: Vars = {}
    for (let i = 0; i < best.names.length; i++) vars[best.names[i]] = this.#bestValues[i]
    return { payload: best.payload, vars }
  }

  // `start`: where the next segment of the path starts, or -1 when none is left. Static
  // children go first, so the static route equal to the path, if any, is known before
  // any placeholder is tried.
  #visit(node: Node<T>, start: number, count: number): void {
    const path = this.#path
    if (start === -1) {
      const { route } = node
      if (route !== undefined && route.index < this.#bestIndex) this.#found(route, count)
      return
    }
    const { jump, patterns, tails } = node
    if (jump !== undefined) {
      const end = start + node.jumpText.length
      if (jump.min < this.#bestIndex && path.startsWith(node.jumpText, start) && (end === path.length || path.charCodeAt(end) === 47)) {
        this.#visit(jump, end === path.length ? -1 : end + 1, count)
      }
      if (patterns === undefined && tails === undefined) return
    }
    const slash = path.indexOf('/', start)
    const next = slash === -1 ? -1 : slash + 1
    const segment = slash === -1 ? (start === 0 ? path : path.slice(start)) : path.slice(start, slash)
    if (jump === undefined && node.statics !== undefined) {
      const child = node.statics.get(segment)
      if (child !== undefined && child.min < this.#bestIndex) this.#visit(child, next, count)
    }
    if (patterns !== undefined) {
      for (let i = 0; i < patterns.length; i++) {
        const edge = patterns[i]
        if (edge.node.min >= this.#bestIndex) continue
        const after = edge.pattern.match(segment, this.#values, count)
        if (after !== -1) this.#visit(edge.node, next, after)
      }
    }
    if (tails === undefined) return
    for (const tail of tails) {
      if (tail.route.index >= this.#bestIndex) continue
      if (tail.whole !== undefined) {
        if (tail.whole === 'path' && start === path.length) continue
        this.#values[count] = start === 0 ? path : path.slice(start)
        this.#found(tail.route, count + 1)
        continue
      }
      const found = tail.regex.exec(start === 0 ? path : path.slice(start))
      if (found === null) continue
      let after = count
      for (const group of tail.groups) this.#values[after++] = found[group]
      this.#found(tail.route, after)
    }
  }

  #found(route: Route<T>, count: number): void {
    const values = this.#values
    if (route.names.length === 0) {
      this.#exact = route
    } else if (this.#exact !== undefined) {
      // An exact static route beats a placeholder that only matches empty (`/hello/` against
      // `/hello/{name}`), as in Roll's router, where the static path is a node of its own.
      for (let i = 0; i < count; i++) if (values[i] === '') return
    }
    this.#best = route
    this.#bestIndex = route.index
    for (let i = 0; i < count; i++) this.#bestValues[i] = values[i]
  }
}
