// WebSockets: the `ws` package in noServer mode on the HTTP server's `upgrade` event.
// Each connection runs its route's handler with a WebSocketConnection (recv, send, ping,
// close, `for await`), shaped after Python's `websockets` that Roll builds on.
import { randomBytes } from 'node:crypto'
import { ServerResponse, validateHeaderName, validateHeaderValue, type IncomingMessage, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { RawData, ServerOptions, WebSocketServer, WebSocket as WsSocket } from 'ws'
import { logUnexpected, type Roll } from './app.js'
import { HttpError } from './errors.js'
import { UPGRADED, type Request } from './request.js'
import { COOKIES, type Response } from './response.js'
import { answerPlainError, writeResponse } from './wire.js'

/** A message: `string` for a text frame, `Buffer` for a binary one. */
export type Message = string | Buffer

/** A websocket route handler: it talks through `ws`; `params` are the path's placeholders. */
export type WebSocketHandler<Params = Record<string, string>> = (request: Request, ws: WebSocketConnection, params: Params) => void | Promise<void>

/** The connection is closed: `recv`, `send` and `ping` reject with it; `code` and `reason` are the close frame's. */
export class ConnectionClosed extends Error {
  override name = 'ConnectionClosed'

  constructor(readonly code: number, readonly reason: string) {
    super(`WebSocket connection closed with code ${code}${reason ? ` (${reason})` : ''}`)
  }
}

/** `recv` or `ping` did not complete within its `timeout`. */
export class TimeoutError extends Error {
  override name = 'TimeoutError'
}

const [BINARY, TEXT_FRAME] = [{ binary: true }, { binary: false }] // ws's send options, made once
/** A peer that does not answer the closing handshake within it is dropped (ms). */
export const CLOSE_TIMEOUT = 5000
// As Python's websockets: past this many unread messages, stop reading the socket.
const MAX_QUEUE = 64

interface Waiter<T> { resolve(value: T): void; reject(error: Error): void }

function checkTimeout(what: string, timeout: number | undefined): void {
  if (timeout !== undefined && !(timeout >= 0)) throw new RangeError(`${what}: timeout must be a number of milliseconds ≥ 0, got ${timeout}.`)
}

function withTimeout<T>(promise: Promise<T>, timeout: number | undefined, what: string, cancel: () => void): Promise<T> {
  if (timeout === undefined) return promise
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cancel(); reject(new TimeoutError(`${what} timed out after ${timeout} ms`)) }, timeout)
    promise.then((value) => { clearTimeout(timer); resolve(value) }, (error: Error) => { clearTimeout(timer); reject(error) })
  })
}

// Idle websockets are many: they share one set of `ws` listeners (`this`: the socket, which points at its connection).
const CONNECTION = Symbol('connection')
type Tagged = WsSocket & { [CONNECTION]: WebSocketConnection }
const connectionOf = (ws: WsSocket) => (ws as Tagged)[CONNECTION]
const ignore = () => {}
const yielded = (value: Message) => ({ value, done: false as const })
const ended = (error: unknown) => (error instanceof ConnectionClosed ? { value: undefined, done: true as const } : Promise.reject(error))

/**
 * One websocket, on either side: what a websocket handler receives, and what the test
 * clients' `websocket()` gives.
 * @example for await (const message of ws) await ws.send(message)
 */
export class WebSocketConnection implements AsyncIterable<Message> {
  /** The negotiated subprotocol, or `null`. */
  readonly subprotocol: string | null
  #ws: WsSocket
  // What an idle connection does not use is made on first use.
  #queue?: Message[]
  #waiters?: Waiter<Message>[]
  #pings?: Map<string, Waiter<void>>
  #closed?: ConnectionClosed
  #done?: Promise<void>

  constructor(ws: WsSocket, subprotocol: string | null = ws.protocol || null) {
    this.#ws = ws
    this.subprotocol = subprotocol
    ;(ws as Tagged)[CONNECTION] = this
    ws.on('message', WebSocketConnection.#onMessage)
    ws.on('close', WebSocketConnection.#onClose)
    // Protocol errors (1002, 1007, 1009) are answered by `ws` with a close: the 'close' event follows.
    ws.on('error', ignore)
  }

  static #onMessage(this: WsSocket, data: RawData, isBinary: boolean): void { connectionOf(this).#push(isBinary ? (data as Buffer) : data.toString('utf8')) }

  static #onClose(this: WsSocket, code: number, reason: Buffer): void {
    const connection = connectionOf(this)
    const closed = (connection.#closed = new ConnectionClosed(code, reason.toString('utf8')))
    for (const waiter of [...(connection.#waiters?.splice(0) ?? []), ...(connection.#pings?.values() ?? [])]) waiter.reject(closed)
  }

  // A pong acknowledges its ping and every ping sent before it (RFC 6455 §5.5.3).
  static #onPong(this: WsSocket, data: Buffer): void {
    const pings = connectionOf(this).#pings!
    const key = data.toString('hex')
    if (!pings.has(key)) return
    for (const [pending, waiter] of pings) {
      pings.delete(pending)
      waiter.resolve()
      if (pending === key) break
    }
  }

  /** The close code once the connection is closed (1006 when it was cut), else `undefined`. */
  get closeCode(): number | undefined { return this.#closed?.code }

  /** The close reason once the connection is closed, else `undefined`. */
  get closeReason(): string | undefined { return this.#closed?.reason }

  #push(message: Message): void {
    const waiter = this.#waiters?.shift()
    if (waiter !== undefined) return waiter.resolve(message)
    ;(this.#queue ??= []).push(message)
    // Not while closing: close() resumes the socket so the peer's close frame gets through.
    if (this.#queue.length >= MAX_QUEUE && this.#ws.readyState === this.#ws.OPEN) this.#ws.pause()
  }

  // Once the connection is closed (it is closing), the first resolves and the second rejects with why.
  #whenClosed(): Promise<void> { return this.#closed ? Promise.resolve() : (this.#done ??= new Promise((resolve) => this.#ws.once('close', () => resolve()))) }
  #closedError(): Promise<never> { return this.#whenClosed().then(() => Promise.reject(this.#closed)) }

  /**
   * The next message; rejects with `ConnectionClosed` once the peer is gone, or with
   * `TimeoutError` after `timeout` ms (the message, if it comes later, is kept).
   */
  recv(options: { timeout?: number } = {}): Promise<Message> {
    checkTimeout('recv()', options.timeout)
    const queued = this.#queue?.shift()
    if (queued !== undefined) {
      if (this.#ws.isPaused && this.#queue!.length < MAX_QUEUE / 2) this.#ws.resume()
      return Promise.resolve(queued)
    }
    if (this.#closed !== undefined) return Promise.reject(this.#closed)
    let waiter!: Waiter<Message>
    // concat makes an array of the exact size: `push` would keep room for 16 in every idle connection.
    const message = new Promise<Message>((resolve, reject) => { this.#waiters = (this.#waiters ?? []).concat((waiter = { resolve, reject })) })
    return withTimeout(message, options.timeout, 'recv()', () => this.#waiters!.splice(this.#waiters!.indexOf(waiter), 1))
  }

  /** Bytes queued for the peer but not yet handed to the network. */
  get bufferedAmount(): number { return this.#ws.bufferedAmount }

  /** Sends a `string` as text, bytes as binary (as UTF-8 text with `binary: false`); resolves once written. */
  send(data: string | Uint8Array | ArrayBuffer, options: { binary?: boolean } = {}): Promise<void> {
    if (this.#ws.readyState !== this.#ws.OPEN) return this.#closedError()
    const binary = options.binary ?? typeof data !== 'string'
    return new Promise<void>((resolve, reject) => this.#ws.send(data, binary ? BINARY : TEXT_FRAME, (error) => (error ? reject(error) : resolve())))
  }

  /**
   * Sends a ping (4 random bytes unless `data` is given) and resolves with the round-trip
   * time in ms when the matching pong arrives; rejects with `TimeoutError` after `timeout` ms.
   */
  async ping(data?: string | Uint8Array, options: { timeout?: number } = {}): Promise<number> {
    checkTimeout('ping()', options.timeout)
    if (this.#ws.readyState !== this.#ws.OPEN) return this.#closedError()
    const payload = data === undefined ? randomBytes(4) : Buffer.from(data)
    const key = payload.toString('hex')
    if (this.#pings === undefined) this.#ws.on('pong', WebSocketConnection.#onPong)
    const pings = (this.#pings ??= new Map())
    if (pings.has(key)) throw new Error(`ping(): a ping with the same data is already waiting for its pong; send other data.`)
    const start = performance.now()
    const pong = new Promise<void>((resolve, reject) => pings.set(key, { resolve, reject }))
    this.#ws.ping(payload)
    await withTimeout(pong, options.timeout, 'ping()', () => pings.delete(key))
    return performance.now() - start
  }

  /**
   * Starts the closing handshake (default code 1000) and resolves once the connection is
   * closed; a peer that does not answer within 5 s is dropped. Does nothing if closed.
   */
  async close(code = 1000, reason = ''): Promise<void> {
    if (this.#ws.readyState === this.#ws.CLOSED) return
    this.#ws.close(code, reason)
    // The peer's close frame may sit behind unread messages.
    if (this.#ws.isPaused) this.#ws.resume()
    await this.#whenClosed()
  }

  /** Yields messages until the connection closes, however it closes. */
  [Symbol.asyncIterator](): AsyncGenerator<Message, void, undefined> { return new Messages(this) }
}

// What `for await` walks: recv() until the connection closes (an async generator keeps more per idle connection).
class Messages implements AsyncGenerator<Message, void, undefined> {
  constructor(private ws: WebSocketConnection | undefined) {}
  next() { return this.ws === undefined ? this.return() : this.ws.recv().then(yielded, ended) }
  return() { this.ws = undefined; return Promise.resolve({ value: undefined, done: true as const }) }
  throw(error: unknown) { this.ws = undefined; return Promise.reject(error) }
  [Symbol.asyncIterator]() { return this }
}

const KEY = /^[+/0-9A-Za-z]{22}==$/
const destroy = function (this: Duplex) { this.destroy() }
const bug = (error: unknown) => console.error('[roll] websocket upgrade failed:', error)

/**
 * Serves the websocket routes of `app` on `server` (`serve` calls it): upgrade requests
 * go through the `headers` event, are refused with a status (404, 501, 400…) or handed
 * to their handler. `server.close()` also closes the open websockets with 1001.
 */
export function attachWebSockets(app: Roll, server: Server): void {
  const upgrading = new WeakMap<IncomingMessage, { request: Request; lines: string[] }>()
  const open = new Set<WebSocketConnection>()
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

  // `then`, not `await`, on the handler's promise: an awaiting function's frame would live as long as the connection.
  async function start(request: Request, response: Response, ws: WebSocketConnection): Promise<void> {
    running++
    open.add(ws)
    try {
      await app.hook('websocket_connect', request, ws)
      const handled = (request.route.payload!.GET as WebSocketHandler)(request, ws, request.route.vars)
      void Promise.resolve(handled).then(() => end(request, response, ws), (error: unknown) => end(request, response, ws, { error }))
    } catch (error) {
      await end(request, response, ws, { error })
    }
  }

  async function end(request: Request, response: Response, ws: WebSocketConnection, failed?: { error: unknown }): Promise<void> {
    try {
      // ConnectionClosed escaping the handler only means the peer left.
      if (failed === undefined || failed.error instanceof ConnectionClosed) await ws.close()
      else await Promise.all([ws.close(1011, 'Handler died prematurely.'), app.onError(request, response, failed.error)]).catch(bug)
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
      void start(request, response, connection).catch(bug)
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
    for (const ws of open) void ws.close(1001, 'Server shutting down.')
    return close.call(this, (error?: Error) => {
      const stuck = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT).unref())
      void Promise.race([new Promise<void>((resolve) => (running === 0 ? resolve() : idle.push(resolve))), stuck]).then(() => callback?.(error))
    })
  }
}
