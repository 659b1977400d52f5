// Matching route paths against request paths, one segment at a time where the
// placeholders allow it: a regex of a path's parts, and the pattern of one segment.
import safeRegex from 'safe-regex2'
import { kindPattern, type PathPart } from './route-path.js'

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** A regex of `parts` (anchored), and which group holds each placeholder. */
export function partsRegex(path: string, parts: PathPart[]): { regex: RegExp; groups: number[] } {
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
    // A repeated repetition (`(a+)+`) can take exponential time on a path made to fail it.
    if (!safeRegex(pattern)) {
      throw new SyntaxError(
        `Invalid route path '${path}': the regex '${part.kind}' of '${part.name}' repeats a repetition, so some paths would take exponential time to match. Repeat once, e.g. '[a-z]+' rather than '([a-z]+)+'.`,
      )
    }
    source += `(${pattern})`
  }
  return { regex: new RegExp(`${source}$`, 'u'), groups }
}

const isDigits = (text: string) => {
  for (let i = 0, code; i < text.length; i++) if ((code = text.charCodeAt(i)) < 48 || code > 57) return false
  return text.length > 0
}
const ALNUM = /^[\p{L}\p{N}]+$/u
const ALPHA = /^\p{L}+$/u
// Letters (and digits) beyond ASCII need Unicode tables: only then a regex runs.
const isWord = (text: string, digits: boolean, unicode: RegExp) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const ascii = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (digits && code >= 48 && code <= 57)
    if (!ascii) return code > 127 && unicode.test(text)
  }
  return text.length > 0
}
// How an edge checks its segment: the named kinds, alone in it, without a regex.
const enum Check { String, Digit, Alnum, Alpha, Regex }
const CHECKS: Record<string, Check> = { string: Check.String, digit: Check.Digit, alnum: Check.Alnum, alpha: Check.Alpha }

/**
 * What one segment made of literal text and placeholders that stay in it matches. One
 * class with a switch, rather than a closure per kind, keeps the lookup's calls monomorphic.
 */
export class SegmentPattern {
  check = Check.Regex
  prefix = ''
  suffix = ''
  regex: RegExp | undefined = undefined
  groups: number[] = []

  constructor(path: string, parts: PathPart[]) {
    const placeholders = parts.filter((part) => typeof part !== 'string')
    if (placeholders.length === 1 && Object.hasOwn(CHECKS, placeholders[0].kind)) {
      const at = parts.indexOf(placeholders[0])
      this.check = CHECKS[placeholders[0].kind]
      this.prefix = typeof parts[at - 1] === 'string' ? (parts[at - 1] as string) : ''
      this.suffix = typeof parts[at + 1] === 'string' ? (parts[at + 1] as string) : ''
    } else {
      ;({ regex: this.regex, groups: this.groups } = partsRegex(path, parts))
    }
  }

  /** Writes the segment's placeholder values into `values` from `at`; the count after them, or -1 when it does not match. */
  match(segment: string, values: string[], at: number): number {
    if (this.check === Check.Regex) {
      const found = this.regex!.exec(segment)
      if (found === null) return -1
      for (const group of this.groups) values[at++] = found[group]
      return at
    }
    let value = segment
    if (this.prefix !== '' || this.suffix !== '') {
      if (segment.length < this.prefix.length + this.suffix.length || !segment.startsWith(this.prefix) || !segment.endsWith(this.suffix)) return -1
      value = segment.slice(this.prefix.length, segment.length - this.suffix.length)
    }
    switch (this.check) {
      case Check.Digit: if (!isDigits(value)) return -1; break
      case Check.Alnum: if (!isWord(value, true, ALNUM)) return -1; break
      case Check.Alpha: if (!isWord(value, false, ALPHA)) return -1; break
    }
    values[at] = value
    return at + 1
  }
}
