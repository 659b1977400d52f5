// The test oracle: the router Roll had before its tree (framework/src/router.ts), kept as
// it was but for one rule the tree brought: a path of the same shape as an earlier one
// (names aside) merges into it. It matches routes one by one in registration order, so
// its results define what the tree must answer (test/router-differential.test.ts).
import { kindPattern, parsePath, type PathPart } from '../../src/route-path.js'


type Vars = Record<string, string>
type Matcher = (path: string) => Vars | null

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

function countGroups(source: string): number {
  return new RegExp(`${source}|`, 'u').exec('')!.length - 1
}

function regexMatcher(path: string, parts: PathPart[]): Matcher {
  const names: string[] = []
  const groups: number[] = []
  let source = '^'
  let group = 1
  for (const part of parts) {
    if (typeof part === 'string') { source += escape(part); continue }
    const pattern = kindPattern(part.kind)
    try {
      names.push(part.name)
      groups.push(group)
      group += 1 + countGroups(pattern)
    } catch (error) {
      throw new SyntaxError(`Invalid route path '${path}': the placeholder '${part.name}' has an invalid regex '${part.kind}' (${(error as Error).message}).`)
    }
    source += `(${pattern})`
  }
  const regex = new RegExp(`${source}$`, 'u')
  return (candidate) => {
    const found = regex.exec(candidate)
    if (found === null) return null
    const vars: Vars = {}
    for (let i = 0; i < names.length; i++) vars[names[i]] = found[groups[i]]
    return vars
  }
}

const isDigits = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return false
  }
  return true
}
const ALNUM = /^[\p{L}\p{N}]+$/u
const ALPHA = /^\p{L}+$/u
// Letters and digits beyond ASCII need Unicode tables: only then a regex runs.
const isAsciiAlnum = (code: number, digits: boolean) =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (digits && code >= 48 && code <= 57)
const wordCheck = (digits: boolean, unicode: RegExp) => (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (!isAsciiAlnum(code, digits)) return code > 127 && unicode.test(text)
  }
  return true
}

const CHECKS: Record<string, (value: string) => boolean> = {
  string: (value) => value.indexOf('/') === -1,
  digit: (value) => value.length > 0 && isDigits(value),
  alnum: (value) => value.length > 0 && wordCheck(true, ALNUM)(value),
  alpha: (value) => value.length > 0 && wordCheck(false, ALPHA)(value),
  path: (value) => value.length > 0,
  any: () => true,
}

function singleMatcher(prefix: string, name: string, check: (value: string) => boolean, suffix: string): Matcher {
  const minLength = prefix.length + suffix.length
  return (path) => {
    if (path.length < minLength || !path.startsWith(prefix) || !path.endsWith(suffix)) return null
    const value = path.slice(prefix.length, path.length - suffix.length)
    return check(value) ? { [name]: value } : null
  }
}

function compile(path: string, parts: PathPart[]): Matcher {
  const placeholders = parts.filter((part) => typeof part !== 'string')
  if (placeholders.length === 1 && CHECKS[placeholders[0].kind]) {
    const at = parts.indexOf(placeholders[0])
    const literal = (part: PathPart | undefined) => (typeof part === 'string' ? part : '')
    return singleMatcher(literal(parts[at - 1]), placeholders[0].name, CHECKS[placeholders[0].kind], literal(parts[at + 1]))
  }
  return regexMatcher(path, parts)
}

interface Entry<T> { index: number; payload: T; match?: Matcher; prefix: string }

/** What `Roll` needs of a router (its `Router` field): the contract `Router` meets, for a router of your own. */
export interface RouterLike<T extends object> {
  /** Registers `path` with `payload`, or merges `payload` into the route already there; returns the route's payload. */
  add(path: string, payload: T): T
  /** The first registered route that matches `path`, with its placeholders; `null` if none. */
  match(path: string): { payload: T; vars: Record<string, string> } | null
}

/** Routes by path, tried one by one. `add` merges into an existing route of the same path, as Roll does. */
export class LinearRouter<T extends object> implements RouterLike<T> {
  #byPath = new Map<string, Entry<T>>()
  #byShape = new Map<string, Entry<T>>()
  #static = new Map<string, Entry<T>>()
  #dynamic: Entry<T>[] = []

  /** Registers `path` with `payload`, or merges `payload` into the route already there; returns the route's payload. */
  add(path: string, payload: T): T {
    const known = this.#byPath.get(path)
    if (known) return Object.assign(known.payload, payload)
    const parts = parsePath(path)
    const shape = JSON.stringify(parts.map((part) => (typeof part === 'string' ? part : part.kind)))
    const same = this.#byShape.get(shape)
    if (same) {
      this.#byPath.set(path, same)
      return Object.assign(same.payload, payload)
    }
    const entry: Entry<T> = { index: this.#byPath.size, payload, prefix: typeof parts[0] === 'string' ? parts[0] : '' }
    this.#byShape.set(shape, entry)
    if (parts.length === 1 && typeof parts[0] === 'string') this.#static.set(path, entry)
    else {
      entry.match = compile(path, parts)
      this.#dynamic.push(entry)
    }
    this.#byPath.set(path, entry)
    return payload
  }

  /** The first registered route that matches `path`, with its placeholders; `null` if none. */
  match(path: string): { payload: T; vars: Vars } | null {
    const exact = this.#static.get(path)
    const before = exact ? exact.index : Infinity
    for (const entry of this.#dynamic) {
      if (entry.index > before) break
      if (!path.startsWith(entry.prefix)) continue
      const vars = entry.match!(path)
      // An exact static route beats a placeholder that only matches empty (`/hello/`
      // against `/hello/{name}`), as in Roll's router, where the static path is a node of its own.
      if (vars !== null && !(exact && Object.values(vars).includes(''))) return { payload: entry.payload, vars }
    }
    return exact ? { payload: exact.payload, vars: {} } : null
  }
}
