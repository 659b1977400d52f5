// Test clients: `createClient` runs requests in-process through the same listener as
// the server (no socket); `createLiveClient` serves the app on a free port.
import { EventEmitter } from 'node:events'
import { Agent, request as httpRequest } from 'node:http'
import type { Roll } from './app.js'
import type { Headers } from './response.js'
import { createRequestListener, serve, type ServeOptions } from './server.js'
import type { ResponseSink } from './wire.js'
import { connectWebSocket, inProcessWebSockets, type WebSocketOptions } from './testing-websocket.js'
import type { WebSocketConnection } from './websocket.js'

export { UpgradeRefused, type WebSocketOptions } from './testing-websocket.js'

/** A file to upload: `{ filename, data, contentType? }`. */
export interface FileSpec {
  filename: string
  data: string | Uint8Array
  contentType?: string
}

/** How to send a request: extra headers and at most one kind of body. */
export interface RequestOptions {
  headers?: Record<string, string | string[]>
  /** Sent as is. */
  body?: string | Uint8Array
  /** Sent as JSON. */
  json?: unknown
  /** Sent urlencoded, or as multipart fields along with `files`. */
  form?: Record<string, string | number | boolean | Array<string | number | boolean>>
  files?: Record<string, FileSpec | FileSpec[]>
}

/** A response as the client received it; header names are lower-case. */
export interface ClientResponse {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
  readonly text: string
  readonly json: any
}

type Send = (method: string, path: string, options?: RequestOptions) => Promise<ClientResponse>

/** The methods both clients share. */
export interface Client {
  request: Send
  get(path: string, options?: RequestOptions): Promise<ClientResponse>
  head(path: string, options?: RequestOptions): Promise<ClientResponse>
  post(path: string, options?: RequestOptions): Promise<ClientResponse>
  put(path: string, options?: RequestOptions): Promise<ClientResponse>
  patch(path: string, options?: RequestOptions): Promise<ClientResponse>
  delete(path: string, options?: RequestOptions): Promise<ClientResponse>
  options(path: string, options?: RequestOptions): Promise<ClientResponse>
  connect(path: string, options?: RequestOptions): Promise<ClientResponse>
  /** Opens a websocket to a `protocol: 'websocket'` route; rejects with `UpgradeRefused` when refused. */
  websocket(path: string, options?: WebSocketOptions): Promise<WebSocketConnection>
  /** Fires the app's `shutdown` (the live client also stops its server). */
  close(): Promise<void>
}

function withShortcuts(request: Send, close: () => Promise<void>, websocket: Client['websocket']): Client {
  const send = (method: string) => (path: string, options?: RequestOptions) => request(method, path, options)
  return {
    request, close, websocket,
    get: send('GET'), head: send('HEAD'), post: send('POST'), put: send('PUT'), patch: send('PATCH'),
    delete: send('DELETE'), options: send('OPTIONS'), connect: send('CONNECT'),
  }
}

function clientResponse(status: number, headers: Record<string, string | string[]>, body: Buffer): ClientResponse {
  return {
    status, headers, body,
    get text() { return body.toString('utf8') },
    get json() { return JSON.parse(body.toString('utf8')) },
  }
}

/** Percent-encodes what a real client would: non-ASCII characters of the path. */
function encodePath(path: string): string {
  return path.replace(/[^\x00-\x7F]+/gu, (text) => encodeURI(text))
}

const bytes = (data: string | Uint8Array) => (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength))

function multipart(form: RequestOptions['form'] = {}, files: NonNullable<RequestOptions['files']>) {
  const boundary = `----RollTestBoundary${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  const part = (disposition: string, data: Buffer, contentType?: string) => {
    const type = contentType ? `\r\nContent-Type: ${contentType}` : ''
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${disposition}${type}\r\n\r\n`), data, Buffer.from('\r\n'))
  }
  for (const [name, values] of Object.entries(form)) {
    for (const value of [values].flat()) part(`name="${name}"`, Buffer.from(String(value)))
  }
  for (const [name, specs] of Object.entries(files)) {
    for (const spec of [specs].flat()) {
      part(`name="${name}"; filename="${spec.filename}"`, bytes(spec.data), spec.contentType ?? 'application/octet-stream')
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) }
}

/** Encodes the body an options object describes, with the headers it needs. */
function encode(options: RequestOptions): { headers: Record<string, string | string[]>; body?: Buffer } {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value
  let body: Buffer | undefined
  let type: string | undefined
  if (options.files !== undefined) ({ type, body } = multipart(options.form, options.files))
  else if (options.json !== undefined) [type, body] = ['application/json; charset=utf-8', Buffer.from(JSON.stringify(options.json))]
  else if (options.form !== undefined) {
    const params = new URLSearchParams()
    for (const [name, values] of Object.entries(options.form)) for (const value of [values].flat()) params.append(name, String(value))
    ;[type, body] = ['application/x-www-form-urlencoded', Buffer.from(params.toString())]
  } else if (options.body !== undefined) body = bytes(options.body)
  if (type !== undefined && headers['content-type'] === undefined) headers['content-type'] = type
  if (body !== undefined) headers['content-length'] = String(body.length)
  return { headers, body }
}

/** Collects what the server writes, in memory. */
class MemorySink extends EventEmitter implements ResponseSink {
  status = 0
  headers: Record<string, string | string[]> = {}
  chunks: Buffer[] = []
  destroyed = false

  writeHead(status: number, headers: Headers) {
    this.status = status
    for (const [name, value] of Object.entries(headers)) {
      // As Node's client gives them: only Set-Cookie stays a list, other lists are joined.
      const lower = name.toLowerCase()
      this.headers[lower] = !Array.isArray(value) ? String(value) : lower === 'set-cookie' ? value.map(String) : value.join(', ')
    }
  }

  write(chunk: string | Uint8Array) {
    this.chunks.push(bytes(chunk))
    return true
  }

  end(chunk?: string | Uint8Array) {
    if (chunk !== undefined) this.write(chunk)
    this.emit('close')
  }

  destroy() {
    this.destroyed = true
    this.emit('close')
  }
}

/**
 * An in-process client: requests go through the server's own listener, without a
 * socket. Fires `startup` at once (requests wait for it) and `shutdown` on `close()`.
 * @example
 * const client = createClient(app)
 * const response = await client.get('/hello/world')
 */
export function createClient(app: Roll): Client {
  const listener = createRequestListener(app)
  const started = app.startup()
  const request: Send = async (method, path, options = {}) => {
    await started
    const { headers, body } = encode(options)
    const source = {
      method: method.toUpperCase(), url: encodePath(path), headers, complete: true,
      async *[Symbol.asyncIterator]() { if (body?.length) yield body },
    }
    const sink = new MemorySink()
    await listener(source, sink)
    if (sink.destroyed) throw new Error(`${method} ${path}: the response was cut short (its body stream failed)`)
    return clientResponse(sink.status, sink.headers, Buffer.concat(sink.chunks))
  }
  const websockets = inProcessWebSockets(app, started)
  return withShortcuts(request, async () => { await started; await websockets.close(); await app.shutdown() }, (path, options) => websockets.connect(encodePath(path), options))
}

/** A client of a real server on 127.0.0.1 and a free port. */
export interface LiveClient extends Client {
  url: string
  wsUrl: string
  port: number
}

/**
 * Serves `app` on 127.0.0.1 and a free port, for what needs a socket (websockets,
 * chunked responses, timeouts). `close()` stops the server and fires `shutdown`.
 */
export async function createLiveClient(app: Roll, options: ServeOptions = {}): Promise<LiveClient> {
  const served = await serve(app, { port: 0, host: '127.0.0.1', ...options })
  const wsUrl = served.url.replace(/^http/, 'ws')
  const agent = new Agent({ keepAlive: true })
  const request: Send = (method, path, options = {}) => {
    const { headers, body } = encode(options)
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: served.host, port: served.port, method: method.toUpperCase(), path: encodePath(path), headers, agent },
        (incoming) => {
          const chunks: Buffer[] = []
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
          incoming.on('error', reject)
          incoming.on('end', () => resolve(clientResponse(incoming.statusCode!, incoming.headers as Record<string, string | string[]>, Buffer.concat(chunks))))
        },
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  }
  const client = withShortcuts(request, async () => {
    agent.destroy()
    await served.close()
  }, (path, options) => connectWebSocket(`${wsUrl}${encodePath(path)}`, options))
  return { ...client, url: served.url, wsUrl, port: served.port }
}
