// Runs an app on Node's HTTP server (llhttp parses, as httptools does for Python Roll):
// turns each IncomingMessage into a Request, dispatches it, and writes the Response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net'
import type { Roll } from './app.js'
import { statusPhrase } from './errors.js'
import { hasBody, type Request, type RequestSource } from './request.js'
import type { Response } from './response.js'
import { attachWebSockets } from './websocket.js'
import { answerPlainError, TEXT, writeResponse, type ResponseSink } from './wire.js'

/** True when the request has no body left unread, so the connection can serve another one. */
function isDrained(source: RequestSource & { complete?: boolean }): boolean {
  return source.complete === true || !hasBody(source.headers)
}

/**
 * A Node request listener for `app`: `http.createServer(createRequestListener(app))`.
 * `isClosing` tells it to ask clients to close their connections.
 */
export function createRequestListener(app: Roll, isClosing: () => boolean = () => false) {
  const write = (request: Request, response: Response, source: RequestSource, sink: ResponseSink): void | Promise<void> => {
    try {
      return writeResponse(response, sink, isClosing() || !isDrained(source))?.catch((error) => answerPlainError(request, sink, error))
    } catch (error) {
      answerPlainError(request, sink, error)
    }
  }
  return (source: RequestSource, sink: ResponseSink): void | Promise<void> => {
    const request = new app.Request(app, source)
    const response = new app.Response(app, request)
    const dispatched = app.dispatch(request, response)
    return dispatched === undefined ? write(request, response, source, sink) : dispatched.then(() => write(request, response, source, sink))
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
function clientErrorStatus(error: NodeJS.ErrnoException & { rawPacket?: Buffer; reason?: string }, maxUrlLength: number): number {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW': {
      const head = error.rawPacket?.toString('latin1') ?? ''
      const lineEnd = head.indexOf('\r\n')
      return lineEnd === -1 || lineEnd > maxUrlLength ? 414 : 431
    }
    // llhttp's code also covers a malformed line (`HTTP/1.1 extra`); only the reason tells an unsupported version.
    case 'HPE_INVALID_VERSION': return error.reason === 'Invalid HTTP version' ? 505 : 400
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
  const settled = () => { if (--inFlight === 0) idle?.() }
  const listener = createRequestListener(app, () => closing)
  // A body the socket has not taken in yet would be cut by closeAllConnections: in flight until it is out.
  const responded = (res: ServerResponse) => {
    if (!res.closed && (res.socket?.writableLength ?? 0) > 0) res.once('close', settled)
    else settled()
  }
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
    const answered = listener(req, res)
    if (answered === undefined) return responded(res)
    void answered.then(() => responded(res))
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
  const bound = server.address() as AddressInfo | string // a Unix socket's is its path: url unix:<path>, port 0
  const address = typeof bound === 'string' ? { address: bound, port: 0, family: 'unix' } : bound
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closed: Promise<void> | undefined
  return {
    url: address.family === 'unix' ? `unix:${address.address}` : `http://${shownHost}:${address.port}`,
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
        // Stop accepting; the websockets get 1001 from server.close once the HTTP requests are done.
        if (server.listening) NetServer.prototype.close.call(server)
        server.closeIdleConnections()
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, drainTimeout)
            idle = () => { clearTimeout(timer); resolve() }
          })
        }
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        await stopped
        await app.shutdown()
      })()
      return closed
    },
  }
}
