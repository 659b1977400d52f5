// One websocket (recv, send, ping, close, `for await`), shaped after Python's `websockets` that
// Roll builds on. Idle connections are many: they share listeners, and get the rest on first use.
import { randomBytes } from 'node:crypto'
import type { RawData, WebSocket as WsSocket } from 'ws'

/** A message: `string` for a text frame, `Buffer` for a binary one. */
export type Message = string | Buffer

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
const MAX_QUEUE = 64 // as Python's websockets: past this many unread messages, stop reading the socket
const DONE = { value: undefined, done: true as const }

interface Waiter { deliver(message: Message): void; fail(closed: ConnectionClosed): void } // a recv() call, or a `for await` iterator itself

function withTimeout<T>(promise: Promise<T>, timeout: number | undefined, what: string, cancel: () => void): Promise<T> {
  if (timeout === undefined) return promise
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => { cancel(); reject(new TimeoutError(`${what} timed out after ${timeout} ms`)) }, timeout)))
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

const checkTimeout = (what: string, timeout?: number) => { if (timeout !== undefined && !(timeout >= 0)) throw new RangeError(`${what}: timeout must be a number of milliseconds ≥ 0, got ${timeout}.`) }
const CONNECTION = Symbol('connection'), NEXT = Symbol('next') // the `ws` listeners' `this` is the socket, which points at its connection
type Tagged = WsSocket & { [CONNECTION]: WebSocketConnection }
const connectionOf = (ws: WsSocket) => (ws as Tagged)[CONNECTION]
const ignore = () => {}

/**
 * One websocket, on either side: what a websocket handler receives, and what the test clients' `websocket()` gives.
 * @example for await (const message of ws) await ws.send(message)
 */
export class WebSocketConnection implements AsyncIterable<Message> {
  /** The negotiated subprotocol, or `null`. */
  readonly subprotocol: string | null
  #ws: WsSocket
  #queue?: Message[]
  #waiting?: Waiter // the first in line, then the rest (recv() calls at the same time are rare)
  #behind?: Waiter[]
  #pings?: Map<string, { resolve(): void; reject(error: Error): void }>
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
    for (const waiter of [connection.#waiting, ...(connection.#behind?.splice(0) ?? [])]) waiter?.fail(closed)
    connection.#waiting = undefined
    for (const ping of connection.#pings?.values() ?? []) ping.reject(closed)
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
    const waiter = this.#waiting
    this.#waiting = this.#behind?.shift()
    if (waiter !== undefined) return waiter.deliver(message)
    ;(this.#queue ??= []).push(message)
    // Not while closing: close() resumes the socket so the peer's close frame gets through.
    if (this.#queue.length >= MAX_QUEUE && this.#ws.readyState === this.#ws.OPEN) this.#ws.pause()
  }

  // The next message goes to `waiter`: now if one is queued, else once it comes (it waits in line).
  #receive(waiter: Waiter): void {
    const queued = this.#queue?.shift()
    if (queued !== undefined) {
      if (this.#ws.isPaused && this.#queue!.length < MAX_QUEUE / 2) this.#ws.resume()
      waiter.deliver(queued)
    } else if (this.#closed !== undefined) waiter.fail(this.#closed)
    else if (this.#waiting === undefined) this.#waiting = waiter
    else (this.#behind ??= []).push(waiter)
  }

  #leave(waiter: Waiter): void { if (this.#waiting === waiter) this.#waiting = this.#behind?.shift(); else this.#behind!.splice(this.#behind!.indexOf(waiter), 1) }

  // Once the connection is closed (it is closing), the first resolves and the second rejects with why.
  #whenClosed(): Promise<void> { return this.#closed ? Promise.resolve() : (this.#done ??= new Promise((resolve) => this.#ws.once('close', () => resolve()))) }
  #closedError(): Promise<never> { return this.#whenClosed().then(() => Promise.reject(this.#closed)) }

  /** The next message; rejects with `ConnectionClosed` once the peer is gone, or `TimeoutError` after `timeout` ms (a later message is kept). */
  recv(options: { timeout?: number } = {}): Promise<Message> {
    checkTimeout('recv()', options.timeout)
    let waiter!: Waiter
    const message = new Promise<Message>((deliver, fail) => this.#receive((waiter = { deliver, fail })))
    return withTimeout(message, options.timeout, 'recv()', () => this.#leave(waiter))
  }

  // What `for await` waits on: the iterator takes the message itself, no recv() promise is chained.
  [NEXT](messages: Messages): Promise<IteratorResult<Message, void>> { return new Promise((resolve) => { messages.resolve = resolve; this.#receive(messages) }) }

  /** Bytes queued for the peer but not yet handed to the network. */
  get bufferedAmount(): number { return this.#ws.bufferedAmount }

  /** Sends a `string` as text, bytes as binary (as UTF-8 text with `binary: false`); resolves once written. */
  send(data: string | Uint8Array | ArrayBuffer, options: { binary?: boolean } = {}): Promise<void> {
    if (this.#ws.readyState !== this.#ws.OPEN) return this.#closedError()
    const binary = options.binary ?? typeof data !== 'string'
    return new Promise<void>((resolve, reject) => this.#ws.send(data, binary ? BINARY : TEXT_FRAME, (error) => (error ? reject(error) : resolve())))
  }

  /** Sends a ping (4 random bytes unless `data` is given); resolves with the round-trip time in ms when its pong arrives, or rejects with `TimeoutError` after `timeout` ms. */
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

  /** Starts the closing handshake (default code 1000), resolves once closed (a peer silent for 5 s is dropped); does nothing if closed. */
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

// What `for await` walks, until the connection closes (an async generator keeps more per idle connection).
class Messages implements AsyncGenerator<Message, void, undefined>, Waiter {
  resolve?: (result: IteratorResult<Message, void>) => void // while it waits
  constructor(private ws: WebSocketConnection | undefined) {}
  // A second next() before the first settled waits as recv() does.
  next() { return this.ws === undefined ? this.return() : this.resolve ? this.ws.recv().then((value) => ({ value, done: false as const }), () => DONE) : this.ws[NEXT](this) }
  return() { this.ws = undefined; return Promise.resolve(DONE) }
  throw(error: unknown) { this.ws = undefined; return Promise.reject(error) }
  deliver(value: Message) { settle(this, { value, done: false }) }
  fail() { settle(this, DONE) }
  [Symbol.asyncIterator]() { return this }
}
const settle = (messages: Messages, result: IteratorResult<Message, void>) => { const resolve = messages.resolve!; messages.resolve = undefined; resolve(result) }
