// Multidict and its kinds: Query (the query string), Form (urlencoded or multipart
// fields) and Files (uploaded files). A key holds a list of values, as in Roll.
import { HttpError } from './errors.js'

/** An uploaded file from a multipart body. */
export interface UploadedFile {
  filename: string
  contentType: string
  data: Buffer
  size: number
  /** The content decoded as UTF-8. */
  text(): string
}

type Init<T> = Record<string, T[]> | Iterable<readonly [string, T[]]>

// Map's own `get` returns the whole list; Roll's returns the first value, so the
// base type leaves `get` out and Multidict defines its own.
const ListMap = Map as unknown as new <V>(entries?: Iterable<readonly [string, V]>) => Omit<Map<string, V>, 'get'>

function entriesOf<T>(init: Init<T> | undefined): Iterable<readonly [string, T[]]> | undefined {
  if (init === undefined || Symbol.iterator in init) return init as Iterable<readonly [string, T[]]> | undefined
  return Object.entries(init)
}

/**
 * A `Map<string, T[]>` whose `get` gives the first value and `list` all of them; a
 * missing key without a default is a 400 "Missing 'key' key".
 */
export class Multidict<T = string> extends ListMap<T[]> {
  constructor(init?: Init<T>) {
    super(entriesOf(init))
  }

  /** Appends a value to the key's list. */
  add(key: string, value: T): void {
    const values = this.getList(key)
    if (values) values.push(value)
    else this.set(key, [value])
  }

  /** The key's list itself, or `undefined`: Map's own `get`. */
  getList(key: string): T[] | undefined {
    return Map.prototype.get.call(this, key)
  }

  /** The first value of `key`; `fallback` when missing, else a 400. */
  get(key: string): T
  get<D>(key: string, fallback: D): T | D
  get(key: string, ...fallback: [unknown?]): unknown {
    const values = this.getList(key)
    if (values !== undefined && values.length > 0) return values[0]
    if (fallback.length > 0) return fallback[0]
    throw new HttpError(400, `Missing '${key}' key`)
  }

  /** Every value of `key`; `fallback` when missing, else a 400. */
  list(key: string): T[]
  list<D>(key: string, fallback: D): T[] | D
  list(key: string, ...fallback: [unknown?]): unknown {
    const values = this.getList(key)
    if (values !== undefined) return values
    if (fallback.length > 0) return fallback[0]
    throw new HttpError(400, `Missing '${key}' key`)
  }
}

const TRUE_STRINGS = new Set(['t', 'true', 'yes', '1', 'on'])
const FALSE_STRINGS = new Set(['f', 'false', 'no', '0', 'off'])
const NONE_STRINGS = new Set(['n', 'none', 'null'])
const INT = /^[+-]?\d+$/
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/** The query string's multidict, with casting getters that answer 400 on a bad value. */
export class Query extends Multidict<string> {
  /** `t true yes 1 on` → true, `f false no 0 off` → false, `n none null` → null, any case. */
  bool(key: string): boolean | null
  bool<D>(key: string, fallback: D): boolean | null | D
  bool(key: string, ...fallback: [unknown?]): unknown {
    if (!this.has(key) && fallback.length > 0) return fallback[0]
    const value = this.get(key).toLowerCase()
    if (TRUE_STRINGS.has(value)) return true
    if (FALSE_STRINGS.has(value)) return false
    if (NONE_STRINGS.has(value)) return null
    throw new HttpError(400, `Wrong boolean value for '${key}=${value}'`)
  }

  /** The value as an integer; `12abc` or `1.5` is a 400. */
  int(key: string): number
  int<D>(key: string, fallback: D): number | D
  int(key: string, ...fallback: [unknown?]): unknown {
    if (!this.has(key) && fallback.length > 0) return fallback[0]
    const value = this.get(key).trim()
    if (!INT.test(value)) throw new HttpError(400, `Key '${key}' must be castable to int`)
    return Number(value)
  }

  /** The value as a float; `1.2.3` is a 400. */
  float(key: string): number
  float<D>(key: string, fallback: D): number | D
  float(key: string, ...fallback: [unknown?]): unknown {
    if (!this.has(key) && fallback.length > 0) return fallback[0]
    const value = this.get(key).trim()
    if (!FLOAT.test(value)) throw new HttpError(400, `Key '${key}' must be castable to float`)
    return Number(value)
  }
}

/** Fields of an urlencoded or multipart body; casts as `Query` does. */
export class Form extends Query {}

/** Files of a multipart body, by field name. */
export class Files extends Multidict<UploadedFile> {}
