// The websocket routes on Node's HTTP server: the `ws` package in noServer mode on the
// `upgrade` event; each connection runs its route's handler for as long as it lives.
import { ServerResponse, validateHeaderName, validateHeaderValue, type IncomingMessage, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { ServerOptions, WebSocketServer } from 'ws'
import { logUnexpected, type Roll } from './app.js'
import { HttpError } from './errors.js'
import { UPGRADED, type Request } from './request.js'
import { COOKIES, type Response } from './response.js'
import { answerPlainError, writeResponse } from './wire.js'
import { CLOSE_TIMEOUT, ConnectionClosed, WebSocketConnection } from './websocket-connection.js'
export * from './websocket-connection.js'

/** A websocket route handler: it talks through `ws`; `params` are the path's placeholders. */
export type WebSocketHandler<Params = Record<string, string>> = (request: Request, ws: WebSocketConnection, params: Params) => void | Promise<void>

const KEY = /^[+/0-9A-Za-z]{22}==$/
const destroy = function (this: Duplex) { this.destroy() }
const bug = (error: unknown) => console.error('[roll] websocket upgrade failed:', error)

/**
 * Serves the websocket routes of `app` on `server` (`serve` calls it): upgrade requests go through the `headers` event,
 * are refused with a status (404, 501, 400…) or handed to their handler. `server.close()` also closes them with 1001.
 */
export function attachWebSockets(app: Roll, server: Server): void {
  const upgrading = new WeakMap<IncomingMessage, { request: Request; lines: string[] }>()
  const open = new Map<WebSocketConnection, Request>()
  let running = 0 // upgrades and handlers not done yet
  const idle: (() => void)[] = []
  const settle = () => { if (--running === 0) for (const resolve of idle.splice(0)) resolve() }
  let closing = false
  const options: ServerOptions & { closeTimeout: number } = {
    noServer: true, clientTracking: false, maxPayload: app.maxMessageSize, closeTimeout: CLOSE_TIMEOUT,
    handleProtocols(offered, req) {
      const wanted = upgrading.get(req)?.request.route.payload?.subprotocols as string[] | undefined
      return [...offered].find((protocol) => wanted?.includes(protocol)) ?? false
    },
  }
  // Loaded at the first upgrade: an app without websockets never loads `ws` (a dev worker boots faster).
  let wss: Promise<WebSocketServer> | undefined
  const websocketServer = () => (wss ??= import('ws').then(({ WebSocketServer }) =>
    new WebSocketServer(options).on('headers', (lines: string[], req: IncomingMessage) => { lines.push(...upgrading.get(req)!.lines) })))

  // Headers set by `headers` listeners (cookies…) go out with the 101 response, checked
  // as Node checks them (a CR/LF in a value throws: a 500, not a smuggled header).
  function headerLines(response: Response): string[] {
    const cookies = (response[COOKIES]?.headers() ?? []).map((cookie) => ['Set-Cookie', cookie] as const)
    return [...Object.entries(response.headers), ...cookies].flatMap(([name, value]) => [value].flat().map((item) => {
      validateHeaderName(name)
      validateHeaderValue(name, String(item))
      return `${name}: ${item}`
    }))
  }

  async function refuse(req: IncomingMessage, socket: Duplex, request: Request, response: Response): Promise<void> {
    await app.respond(request, response)
    const sink = new ServerResponse(req)
    sink.assignSocket(socket as Socket)
    sink.once('finish', () => socket.end())
    sink.on('error', () => socket.destroy()) // the client left before its answer
    try {
      await writeResponse(response, sink, true)
    } catch (error) {
      answerPlainError(request, sink, error)
    }
  }

  function check(req: IncomingMessage, request: Request, response: Response): void {
    if (closing) throw new HttpError(503, 'The server is shutting down')
    const payload = request.route.payload
    if (payload === null) throw new HttpError(404, request.path)
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || payload.protocol !== 'websocket') throw new HttpError(501, 'Request cannot be upgraded.')
    if (request.method !== 'GET') throw new HttpError(405, 'A websocket upgrade is a GET')
    // Node's headers: `request.headers` would be made, and kept, for every connection.
    if (!KEY.test(req.headers['sec-websocket-key'] ?? '')) throw new HttpError(400, 'Invalid Sec-WebSocket-Key header')
    if (req.headers['sec-websocket-version'] !== '13') {
      response.headers['Sec-WebSocket-Version'] = '13' // RFC 6455 §4.4: name the versions we speak
      throw new HttpError(426, 'Unsupported Sec-WebSocket-Version: use 13')
    }
  }

  // What follows a handler's promise: bound to its connection, as closures would keep a context each
  // and an awaiting function its frame. No Response is kept: an error the handler throws gets a new one.
  function returned(this: WebSocketConnection) { void end(this) }
  function threw(this: WebSocketConnection, error: unknown) { void end(this, { error }) }
  const run = (request: Request, ws: WebSocketConnection) =>
    void Promise.resolve((request.route.payload!.GET as WebSocketHandler)(request, ws, request.route.vars)).then(returned.bind(ws), threw.bind(ws))
  async function end(ws: WebSocketConnection, failed?: { error: unknown }): Promise<void> {
    const request = open.get(ws)!
    try {
      // ConnectionClosed escaping the handler only means the peer left.
      if (failed === undefined || failed.error instanceof ConnectionClosed) await ws.close()
      else await Promise.all([ws.close(1011, 'Handler died prematurely.'), app.onError(request, new app.Response(app, request), failed.error)]).catch(bug)
    } finally {
      open.delete(ws)
      await app.hook('websocket_disconnect', request, ws).catch((error: unknown) => logUnexpected(request, new HttpError(500, undefined, { cause: error })))
      settle()
    }
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that resets the connection before the handshake only ends its own request.
    socket.on('error', destroy)
    const request = new app.Request(app, req)
    const response = new app.Response(app, request)
    try {
      if (await app.routeRequest(request, response)) return await refuse(req, socket, request, response)
      check(req, request, response)
      upgrading.set(req, { request, lines: headerLines(response) })
    } catch (error) {
      await app.onError(request, response, error)
      return await refuse(req, socket, request, response)
    }
    request[UPGRADED]()
    // The handler runs on its own: this function's frame holds the IncomingMessage, the socket and `head`.
    ;(await websocketServer()).handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', destroy) // ws's own listener destroys it from now on
      const connection = new WebSocketConnection(ws)
      if (closing) void connection.close(1001, 'Server shutting down.')
      running++
      open.set(connection, request)
      app.hook('websocket_connect', request, connection).then(() => run(request, connection)).catch(threw.bind(connection))
    })
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // app.onError turns errors into responses; reaching this catch is a bug, still contained.
    running++
    void upgrade(req, socket, head).catch((error: unknown) => { bug(error); socket.destroy() }).finally(settle)
  })

  // Node's server.close() waits for upgraded sockets, which closeAllConnections() leaves alone: close
  // them (1001 Going Away), call back once handlers and `websocket_disconnect` are done (5 s at most).
  const close = server.close
  server.close = function (callback?: (error?: Error) => void) {
    closing = true
    for (const ws of open.keys()) void ws.close(1001, 'Server shutting down.')
    return close.call(this, (error?: Error) => {
      const stuck = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT).unref())
      void Promise.race([new Promise<void>((resolve) => (running === 0 ? resolve() : idle.push(resolve))), stuck]).then(() => callback?.(error))
    })
  }
}
