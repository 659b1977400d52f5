// The request a handler receives: method, path, headers, query, cookies and a body
// that is read before the handler runs, or lazily on `lazyBody` routes.
import { parseCookie } from 'cookie'
import { Buffer } from 'node:buffer' // not the global: that is a getter
import type { Readable } from 'node:stream'
import type { Roll } from './app.js'
import { HttpError } from './errors.js'
import type { Files, Form, Query } from './multidict.js'
import { parseMultipart } from './multipart.js'
import type { Route } from './types.js'

/**
 * Where a request comes from: Node's `IncomingMessage` is one; the test client makes
 * its own. `headers` have lower-case names, as Node gives them.
 */
export interface RequestSource extends AsyncIterable<Uint8Array> {
  method?: string
  url?: string
  headers: Record<string, string | string[] | undefined>
}

/** HTTP verbs in Roll's order. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT', 'PATCH'] as const
// Node's method strings are not interned: each lookup by one (the route's handler) would hash it again.
const INTERNED = new Map<string, string>(HTTP_METHODS.map((method) => [method, method]))

const EMPTY = Buffer.alloc(0)
const UTF8 = new TextDecoder('utf-8', { fatal: true }) // JSON is UTF-8 (RFC 8259 §8.1): other bytes are a 400
/** Internal: the websocket upgrade is done, the body is empty, and of the source only the headers stay (a websocket lives long). */
export const UPGRADED = Symbol('upgraded')

/** True when request headers announce a body (RFC 9112 §6.3: Transfer-Encoding or a non-zero Content-Length). */
export function hasBody(headers: RequestSource['headers']): boolean {
  const length = headers['content-length']
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}
/** What `loadBody()` returns when there was nothing to load: the app skips awaiting it. */
export const LOADED = Promise.resolve()

function decodePath(raw: string): string {
  if (raw.indexOf('%') === -1) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, `Invalid percent-encoding in path '${raw}'`)
  }
}

// The client went away mid-body: no one is left to answer, and it is not the app's fault.
const clientLeft = (cause: unknown) => new HttpError(400, 'The client closed the connection before the whole body arrived', { cause })

const isStream = (source: RequestSource): source is RequestSource & Readable => typeof (source as unknown as Partial<Readable>).on === 'function'

// Node's stream events rather than its async iterator, which costs a few µs a request. A
// `take` that throws (413) stops the reading and leaves the rest unread, so the answer can
// still go out (with Connection: close).
function readStream(stream: Readable, take: (chunk: Uint8Array) => void): Promise<void> {
  const cut = () => new Error('The connection closed before the end of the body')
  if (stream.readableEnded) return Promise.resolve() // streamed to its end already, on a lazyBody route
  if (stream.destroyed) return Promise.reject(cut())
  return new Promise((resolve, reject) => {
    const onData = (chunk: Uint8Array) => { try { take(chunk) } catch (error) { stream.pause(); done(error) } }
    const onClose = () => done(cut())
    const done = (error?: unknown) => {
      stream.off('data', onData).off('end', done).off('error', done).off('close', onClose)
      return error === undefined ? resolve() : reject(error)
    }
    stream.on('data', onData).on('end', done).on('error', done).on('close', onClose)
  })
}

/** `application/x-www-form-urlencoded`, strict as Python's `parse_qs(strict_parsing=True)`: every pair needs a `=`. */
function parseUrlencoded(text: string, form: Form): Form {
  if (text === '') return form
  if (text.split('&').some((pair) => pair.indexOf('=') === -1)) throw new HttpError(400, 'Unparsable urlencoded body')
  for (const [key, value] of new URLSearchParams(text)) form.add(key, value)
  return form
}

/**
 * An HTTP request. It is also a `Map` for your own data (`request.set('user', user)`);
 * the framework never uses its entries.
 */
export class Request extends Map<string, unknown> {
  readonly app: Roll
  /** Upper-case verb. */
  method: string
  /** The raw request target, as received. */
  url: string
  /** The matched route: its payload (handlers and options) and placeholders. */
  route: Route = { payload: null, vars: {} }
  #source: RequestSource
  #path?: string
  #queryString?: string
  #headers?: Record<string, string>
  #query?: Query
  #cookies?: Record<string, string>
  #body?: Buffer
  #json?: { value: unknown }
  #form?: Form
  #files?: Files
  #multipart?: Promise<void>
  #multipartError?: HttpError

  constructor(app: Roll, source: RequestSource) {
    super()
    this.app = app
    this.#source = source
    const method = source.method ?? 'GET'
    this.method = INTERNED.get(method) ?? method.toUpperCase()
    this.url = source.url ?? '/'
  }

  #splitUrl(): void {
    let target = this.url
    if (target[0] !== '/' && target !== '*') {
      // Absolute-form target (RFC 9112 §3.2.2), as sent to proxies.
      try {
        const url = new URL(target)
        target = url.pathname + url.search
      } catch {
        throw new HttpError(400, `Invalid request target '${target}'`)
      }
    }
    const mark = target.indexOf('?')
    this.#path = decodePath(mark === -1 ? target : target.slice(0, mark))
    this.#queryString = mark === -1 ? '' : target.slice(mark + 1)
  }

  /** The path, percent-decoded; invalid percent-encoding is a 400. */
  get path(): string {
    if (this.#path === undefined) this.#splitUrl()
    return this.#path!
  }

  /** The raw query string, without `?`. */
  get queryString(): string {
    if (this.#queryString === undefined) this.#splitUrl()
    return this.#queryString!
  }

  /** Header values by UPPER-CASE name: `request.headers['ACCEPT']`. */
  get headers(): Record<string, string> {
    if (this.#headers !== undefined) return this.#headers
    const headers: Record<string, string> = (this.#headers = Object.create(null))
    const source = this.#source.headers
    for (const name in source) {
      const value = source[name]
      if (value !== undefined) headers[name.toUpperCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    return headers
  }

  get contentType(): string { return this.headers['CONTENT-TYPE'] ?? '' }
  get host(): string { return this.headers['HOST'] ?? '' }
  get referrer(): string { return this.headers['REFERER'] ?? '' }
  get referer(): string { return this.referrer }
  get origin(): string { return this.headers['ORIGIN'] ?? '' }

  /** The query string as a `Query` multidict (blank values kept). */
  get query(): Query {
    if (this.#query === undefined) {
      const query = (this.#query = new this.app.Query())
      new URLSearchParams(this.queryString).forEach((value, key) => query.add(key, value)) // no iterator, no entry arrays
    }
    return this.#query
  }

  /** Cookies sent by the client, by name. */
  get cookies(): Record<string, string> { return (this.#cookies ??= parseCookie(this.headers['COOKIE'] ?? '') as Record<string, string>) }

  /** The body; throws `HttpError(500, 'Trying to consume lazy body')` until it is loaded. */
  get body(): Buffer {
    if (this.#body === undefined) throw new HttpError(500, 'Trying to consume lazy body')
    return this.#body
  }

  /** Replaces the body; `json`, `form` and `files` already read stay as they were (Roll caches them too). */
  set body(value: Buffer) { this.#body = value }

  /** The body parsed as JSON (cached); invalid JSON is a 400. */
  get json(): any {
    if (this.#json === undefined) {
      try {
        this.#json = { value: JSON.parse(UTF8.decode(this.body)) }
      } catch (error) {
        throw error instanceof HttpError ? error : new HttpError(400, 'Unparsable JSON body', { cause: error })
      }
    }
    return this.#json.value
  }

  #isMultipart(): boolean {
    const type = this.#source.headers['content-type']
    return typeof type === 'string' && type.toLowerCase().startsWith('multipart/form-data')
  }

  /** Fields of an urlencoded or multipart body; empty for other content types. */
  get form(): Form {
    if (this.#form === undefined) {
      const body = this.body
      if (this.#isMultipart()) this.#requireMultipart()
      else {
        const urlencoded = this.contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')
        this.#form = urlencoded ? parseUrlencoded(body.toString('utf8'), new this.app.Form()) : new this.app.Form()
      }
    }
    return this.#form!
  }

  /** Files of a multipart body; empty for other content types. */
  get files(): Files {
    if (this.#files === undefined) {
      this.body
      if (this.#isMultipart()) this.#requireMultipart()
      else this.#files = new this.app.Files()
    }
    return this.#files!
  }

  #requireMultipart(): void {
    // Multipart bodies are parsed (asynchronously) by loadBody; a body assigned by hand is not.
    if (this.#multipartError) throw this.#multipartError
    if (this.#form === undefined) throw new HttpError(500, 'Multipart body not parsed: call `await request.loadBody()` after assigning `request.body`')
  }

  [UPGRADED](): void {
    this.#body = EMPTY
    this.#source = { headers: this.#source.headers } as RequestSource // never read from: the body is in
  }

  /** Reads the whole body (at most `maxBodySize` bytes, else 413); does nothing if it is loaded. */
  loadBody(): Promise<void> {
    // Most requests have no body: settle them without an extra async step.
    if (this.#body === undefined && !hasBody(this.#source.headers)) this.#body = EMPTY
    if (this.#body !== undefined && (this.#multipart !== undefined || !this.#isMultipart())) return this.#multipart ?? LOADED
    return this.#load()
  }

  async #load(): Promise<void> {
    if (this.#body === undefined) this.body = await this.#readBody()
    if (this.#isMultipart() && this.#multipart === undefined) {
      const [form, files] = [new this.app.Form(), new this.app.Files()]
      this.#multipart = parseMultipart(this.#body!, this.contentType, form, files).then(
        () => { this.#form = form; this.#files = files },
        (error: HttpError) => { this.#multipartError = error },
      )
    }
    if (this.#multipart !== undefined) await this.#multipart
  }

  /** Loads the body and returns it. */
  read(): Promise<Buffer> { return this.loadBody().then(() => this.body) }

  async #readBody(): Promise<Buffer> {
    const limit = this.app.maxBodySize
    const tooLarge = () => new HttpError(413, `Request body is larger than the ${limit} bytes allowed`)
    if (Number(this.#source.headers['content-length']) > limit) throw tooLarge()
    const chunks: Uint8Array[] = []
    let size = 0
    const take = (chunk: Uint8Array) => {
      size += chunk.length
      if (size > limit) throw tooLarge()
      chunks.push(chunk)
    }
    try {
      if (isStream(this.#source)) await readStream(this.#source, take)
      else for await (const chunk of this.#source) take(chunk)
    } catch (error) {
      throw error instanceof HttpError ? error : clientLeft(error)
    }
    return chunks.length === 1 ? Buffer.from(chunks[0].buffer, chunks[0].byteOffset, chunks[0].length) : Buffer.concat(chunks, size)
  }

  /** Streams the body chunk by chunk (on `lazyBody` routes): `for await (const chunk of request)`. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#body !== undefined) {
      if (this.#body.length) yield this.#body
      return
    }
    if (!hasBody(this.#source.headers)) return
    try {
      yield* this.#source
    } catch (error) {
      throw clientLeft(error)
    }
  }
}
