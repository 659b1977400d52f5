// Runs an app on Node's HTTP server (llhttp parses, as httptools does for Python Roll):
// turns each IncomingMessage into a Request, dispatches it, and writes the Response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net'
import { logUnexpected, type Roll } from './app.js'
import { HttpError, statusPhrase } from './errors.js'
import { hasBody, type Request, type RequestSource } from './request.js'
import { COOKIES, type Headers, type Response } from './response.js'
import { attachWebSockets } from './websocket.js'

/** Where a response is written: Node's `ServerResponse`, or the test client's stand-in. */
export interface ResponseSink {
  writeHead(status: number, headers: Headers): unknown
  write(chunk: string | Uint8Array): boolean
  end(chunk?: string | Uint8Array): unknown
  destroy(error?: Error): unknown
  readonly destroyed: boolean
  once(event: 'drain' | 'close', listener: () => void): unknown
  off(event: 'drain' | 'close', listener: () => void): unknown
}

const TEXT = 'text/plain; charset=utf-8'

// One pass over the handler's headers: drop a Content-Length set by hand under another
// spelling (ours replaces it; two would be a framing error), and tell whether a
// Content-Type is set.
function prepareHeaders(headers: Headers): boolean {
  let hasType = headers['Content-Type'] !== undefined
  for (const name in headers) {
    const lower = name.toLowerCase()
    if (lower === 'content-type') hasType = true
    else if (lower === 'content-length' && name !== 'Content-Length') delete headers[name]
  }
  return hasType
}

function isAsyncIterable(body: unknown): body is AsyncIterable<unknown> {
  return body !== null && typeof body === 'object' && Symbol.asyncIterator in body
}

/** True when the request has no body left unread, so the connection can serve another one. */
function isDrained(source: RequestSource & { complete?: boolean }): boolean {
  return source.complete === true || !hasBody(source.headers)
}

/** Writes `response` to `sink`: the framing rules of RFC 9110 §6.4.1 and §8.6 for bodies and Content-Length. */
export function writeResponse(response: Response, sink: ResponseSink, closeConnection = false): Promise<void> | undefined {
  const { status, headers } = response
  const cookies = response[COOKIES]
  if (cookies !== undefined && cookies.size > 0) {
    const set = headers['Set-Cookie']
    headers['Set-Cookie'] = set === undefined ? cookies.headers() : [...(Array.isArray(set) ? set : [String(set)]), ...cookies.headers()]
  }
  if (closeConnection) headers['Connection'] = 'close'
  if (status < 200 || status === 204 || status === 304 || response.request.method === 'HEAD') {
    sink.writeHead(status, headers)
    sink.end()
    return
  }
  const body = response.body
  if (isAsyncIterable(body)) return writeStream(body, status, headers, sink)
  const bytes = typeof body === 'string' || body instanceof Uint8Array ? body : String(body)
  const hasType = prepareHeaders(headers)
  if (typeof bytes === 'string') {
    if (!hasType) headers['Content-Type'] = TEXT
    headers['Content-Length'] = Buffer.byteLength(bytes)
  } else headers['Content-Length'] = bytes.byteLength
  sink.writeHead(status, headers)
  sink.end(bytes)
}

// Pulls the iterable only as fast as the client reads; closes it when the client goes
// away; on a failure, ends the connection without the terminating chunk.
async function writeStream(body: AsyncIterable<unknown>, status: number, headers: Headers, sink: ResponseSink): Promise<void> {
  const iterator = body[Symbol.asyncIterator]()
  let settled = false
  const onClose = () => {
    if (!settled) void Promise.resolve(iterator.return?.()).catch(() => {})
  }
  sink.once('close', onClose)
  sink.writeHead(status, headers)
  try {
    for (;;) {
      const { value, done } = await iterator.next()
      if (done || sink.destroyed) break
      const chunk = typeof value === 'string' || value instanceof Uint8Array ? value : String(value)
      if (!sink.write(chunk)) await drainOrClose(sink)
    }
    settled = true
    if (!sink.destroyed) sink.end()
  } catch (error) {
    settled = true
    console.error('[roll] the response body stream failed; the connection was closed:', error)
    cutShort(sink)
  } finally {
    sink.off('close', onClose)
  }
}

// Ends the connection after what was written so far, without the terminating chunk,
// so the client sees a truncated response (destroying the socket could drop the last writes).
function cutShort(sink: ResponseSink): void {
  const socket = (sink as { socket?: Socket | null }).socket
  if (socket) socket.end()
  else sink.destroy()
}

function drainOrClose(sink: ResponseSink): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done)
      sink.off('close', done)
      resolve()
    }
    sink.once('drain', done)
    sink.once('close', done)
  })
}

/**
 * A Node request listener for `app`: `http.createServer(createRequestListener(app))`.
 * `isClosing` tells it to ask clients to close their connections.
 */
export function createRequestListener(app: Roll, isClosing: () => boolean = () => false) {
  return async (source: RequestSource, sink: ResponseSink): Promise<void> => {
    const request = new app.Request(app, source)
    const response = new app.Response(app, request)
    try {
      await app.dispatch(request, response)
      const streaming = writeResponse(response, sink, isClosing() || !isDrained(source))
      if (streaming !== undefined) await streaming
    } catch (error) {
      answerPlainError(request, sink, error)
    }
  }
}

/**
 * The last resort when a response cannot be written (e.g. a header value with CR/LF):
 * Node refuses it before sending anything, so a plain 500 can still go out.
 */
export function answerPlainError(request: Request, sink: ResponseSink, error: unknown): void {
  logUnexpected(request, new HttpError(500, undefined, { cause: error }))
  if (sink.destroyed) return
  try {
    sink.writeHead(500, { 'Content-Type': TEXT, 'Content-Length': 21, Connection: 'close' })
    sink.end('Internal Server Error')
  } catch {
    sink.destroy()
  }
}

/** Options of `serve`. Timeouts are in milliseconds. */
export interface ServeOptions {
  /** Default 3579; 0 picks a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Serve on a listening handle instead (a `net.Server`, a socket, or `{ fd }`), as a supervisor hands over. */
  handle?: object
  /** The client must send the request head within it. Default 10 s. */
  headersTimeout?: number
  /** The whole request must arrive within it. Default 60 s. */
  requestTimeout?: number
  /** An idle keep-alive connection is closed after it. Default 5 s. */
  keepAliveTimeout?: number
  /** Longest request target; beyond it, 414. Default 8 KiB. */
  maxUrlLength?: number
  /** `close()` waits at most this long for in-flight requests. Default 10 s. */
  drainTimeout?: number
}

/** A running server. */
export interface Served {
  url: string
  port: number
  host: string
  server: Server
  /**
   * Only stops accepting: the open connections are served as before until `close`. For
   * processes sharing a port that must all stop listening before any lets its clients go.
   */
  stopListening(): void
  /** Stops accepting, lets in-flight requests finish (up to `drainTimeout`), then fires `shutdown`. */
  close(): Promise<void>
}

const CLIENT_ERROR_BODIES: Record<number, string> = {
  408: 'Request Timeout: the request head took too long to arrive',
  414: 'URI Too Long: the request target is too long',
  431: 'Request Header Fields Too Large',
  505: 'HTTP Version Not Supported: use HTTP/1.1',
}

/** What llhttp accepts but we do not: HTTP/2+ request lines, over-long targets. */
function refuse(req: IncomingMessage, maxUrlLength: number): [number, string] | undefined {
  if (req.httpVersionMajor !== 1) return [505, CLIENT_ERROR_BODIES[505]]
  if (req.url !== undefined && req.url.length > maxUrlLength) return [414, CLIENT_ERROR_BODIES[414]]
  return undefined
}

// Node's default answers to malformed requests, with the statuses RFC 9112 asks for.
function clientErrorStatus(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, maxUrlLength: number): number {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW': {
      const head = error.rawPacket?.toString('latin1') ?? ''
      const lineEnd = head.indexOf('\r\n')
      return lineEnd === -1 || lineEnd > maxUrlLength ? 414 : 431
    }
    case 'HPE_INVALID_VERSION': return 505
    case 'ERR_HTTP_REQUEST_TIMEOUT': return 408
    default: return 400
  }
}

/**
 * Serves `app` on Node's HTTP server and fires `startup`; resolves once it listens.
 * @example const { url, close } = await serve(app, { port: 3579 })
 */
export async function serve(app: Roll, options: ServeOptions = {}): Promise<Served> {
  const {
    port = 3579, host = '127.0.0.1', handle, headersTimeout = 10_000, requestTimeout = 60_000,
    keepAliveTimeout = 5_000, maxUrlLength = 8 * 1024, drainTimeout = 10_000,
  } = options
  let closing = false
  let inFlight = 0
  let idle: (() => void) | undefined
  const settled = () => {
    if (--inFlight === 0) idle?.()
  }
  const listener = createRequestListener(app, () => closing)
  // Node checks the timeouts on an interval (30 s by default): check every second.
  const server = createServer({ connectionsCheckingInterval: 1000, headersTimeout, requestTimeout, keepAliveTimeout })
  attachWebSockets(app, server)
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = refuse(req, maxUrlLength)
    if (refusal !== undefined) {
      res.writeHead(refusal[0], { 'Content-Type': TEXT, Connection: 'close' }).end(refusal[1])
      return
    }
    inFlight++
    void listener(req, res).then(() => {
      // A body the socket has not taken in yet: closeAllConnections would cut it, so the
      // request stays in flight until it is out.
      if (!res.closed && (res.socket?.writableLength ?? 0) > 0) res.once('close', settled)
      else settled()
    })
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') return void socket.destroy()
    const status = clientErrorStatus(error, maxUrlLength)
    const body = CLIENT_ERROR_BODIES[status] ?? `Bad Request: ${error.message.replace(/^Parse Error: /, '')}`
    socket.end(`HTTP/1.1 ${status} ${statusPhrase(status)}\r\nContent-Type: ${TEXT}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  })
  await app.startup()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    const ready = () => { server.off('error', reject); resolve() }
    if (handle !== undefined) server.listen(handle, ready)
    else server.listen(port, host, ready)
  })
  // Once listening, an error here is one failed accept (EMFILE: too many open files), not
  // a reason to stop serving the connections that are open.
  server.on('error', (error) => console.error(`[roll] the server could not accept a connection: ${error.message}`))
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closed: Promise<void> | undefined
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    host: address.address,
    server,
    stopListening() {
      // net.Server's close: http.Server's also closes the idle keep-alive connections.
      if (server.listening) NetServer.prototype.close.call(server)
    },
    close() {
      closed ??= (async () => {
        closing = true
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, drainTimeout)
            idle = () => { clearTimeout(timer); resolve() }
          })
        }
        server.closeAllConnections()
        await stopped
        await app.shutdown()
      })()
      return closed
    },
  }
}
