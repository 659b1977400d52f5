// Route paths: Roll's `{name}` and `{name:kind}` placeholders, parsed into literal text and
// placeholders, and what each kind of placeholder matches.

/** A piece of a route path: literal text, or a placeholder with its kind. */
export type PathPart = string | { name: string; kind: string }

// Kinds of placeholder. `string` (the default) and `any` may match an empty string,
// so that `/foo/{id}` matches `/foo/` with `id: ''`, as Roll's router does.
const KINDS: Record<string, string> = {
  string: '[^/]*', digit: '[0-9]+', alnum: '[\\p{L}\\p{N}]+', alpha: '\\p{L}+', path: '[^]+', any: '[^]*',
}
const NAME = /^[A-Za-z_$][\w$]*$/

/** Splits a route path into literal text and placeholders; throws on a malformed path. */
export function parsePath(path: string): PathPart[] {
  const fail = (what: string) => new SyntaxError(`Invalid route path '${path}': ${what}.`)
  const parts: PathPart[] = []
  const names = new Set<string>()
  let literal = ''
  for (let i = 0; i < path.length; i++) {
    const char = path[i]
    if (char === '}') throw fail(`unexpected '}' at position ${i}`)
    if (char !== '{') { literal += char; continue }
    // A regex may hold braces of its own (`{id:\d{3}}`): find the matching one.
    let depth = 1
    let end = i + 1
    for (; end < path.length && depth > 0; end++) {
      if (path[end] === '\\') end++
      else if (path[end] === '{') depth++
      else if (path[end] === '}') depth--
    }
    if (depth > 0) throw fail(`the '{' at position ${i} is never closed`)
    const body = path.slice(i + 1, end - 1)
    const colon = body.indexOf(':')
    const name = colon === -1 ? body : body.slice(0, colon)
    const kind = colon === -1 ? 'string' : body.slice(colon + 1)
    if (!name) throw fail(`the placeholder at position ${i} has no name`)
    if (!NAME.test(name) || name === '__proto__') throw fail(`'${name}' is not a valid placeholder name (use letters, digits and _)`)
    if (names.has(name)) throw fail(`the placeholder '${name}' appears twice`)
    if (!kind) throw fail(`the placeholder '${name}' has an empty kind after ':'`)
    names.add(name)
    if (literal) parts.push(literal)
    literal = ''
    parts.push({ name, kind })
    i = end - 1
  }
  if (literal || parts.length === 0) parts.push(literal)
  return parts
}

/** The regex source a placeholder of `kind` matches: a named kind's, or `kind` itself. */
export function kindPattern(kind: string): string {
  return Object.hasOwn(KINDS, kind) ? KINDS[kind] : kind
}

// A regex made only of these never matches a '/': word characters, \d and \w, operators,
// and classes of ASCII letters and digits. Anything else (., [^…], \S, a '/') may.
const WITHIN_SEGMENT = /^(?:\\[dw]|\[(?:\\[dw]|[a-z]-[a-z]|[A-Z]-[A-Z]|[0-9]-[0-9]|[\w-])+\]|[\w|()?*+{},:-])*$/

/** Whether a placeholder of `kind` stays within one path segment (never matches a '/'). */
export function staysInSegment(kind: string): boolean {
  if (kind === 'path' || kind === 'any') return false
  return Object.hasOwn(KINDS, kind) || WITHIN_SEGMENT.test(kind)
}

/** `parts` cut at each '/' of their literal text: one list of parts per path segment. */
export function segments(parts: PathPart[]): PathPart[][] {
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
