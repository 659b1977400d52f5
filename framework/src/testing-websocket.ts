// The test clients' `websocket()`: a `ws` client wrapped in a WebSocketConnection, over
// a real socket (live client) or an in-memory pair of streams (in-process client).
import { createServer, type Server } from 'node:http'
import { Duplex } from 'node:stream'
import { WebSocket, type ClientOptions } from 'ws'
import type { Roll } from './app.js'
import { attachWebSockets, CLOSE_TIMEOUT, WebSocketConnection } from './websocket.js'

/** How to open a test websocket: extra request headers, subprotocols to offer. */
export interface WebSocketOptions {
  headers?: Record<string, string>
  subprotocols?: string[]
}

/** The server refused the upgrade: its `status`, and its body as `text`. */
export class UpgradeRefused extends Error {
  readonly status: number
  readonly text: string

  constructor(status: number, text: string) {
    super(`The server refused the websocket upgrade with ${status}: ${text}`)
    this.name = 'UpgradeRefused'
    this.status = status
    this.text = text
  }
}

/** Opens a websocket to `url`; rejects with `UpgradeRefused` when the server answers without upgrading. */
export function connectWebSocket(url: string, options: WebSocketOptions = {}, createConnection?: () => Duplex): Promise<WebSocketConnection> {
  const { headers = {}, subprotocols = [] } = options
  // The header rather than ws's `protocols`: ws fails when the server picks none, Roll accepts that.
  const offered = subprotocols.length > 0 ? { 'Sec-WebSocket-Protocol': subprotocols.join(', ') } : {}
  const clientOptions = { headers: { ...headers, ...offered }, closeTimeout: CLOSE_TIMEOUT, createConnection } as ClientOptions
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, clientOptions)
    let subprotocol: string | null = null
    ws.on('error', reject)
    ws.once('upgrade', (response) => {
      const chosen = response.headers['sec-websocket-protocol']
      if (typeof chosen === 'string' && subprotocols.includes(chosen)) {
        subprotocol = chosen
        // ws checks the answer against its own `protocols` only, which we leave empty.
        delete response.headers['sec-websocket-protocol']
      }
    })
    ws.once('open', () => resolve(new WebSocketConnection(ws, subprotocol)))
    ws.once('unexpected-response', (request, response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        reject(new UpgradeRefused(response.statusCode!, Buffer.concat(chunks).toString('utf8')))
        request.destroy()
      })
    })
  })
}

/** Two connected in-memory streams with the few socket methods `http` and `ws` call. */
function streamPair(): [Duplex, Duplex] {
  const ends: Duplex[] = []
  for (let side = 0; side < 2; side++) {
    const other = () => ends[1 - side]
    const end = new Duplex({
      read() {},
      write(chunk, _encoding, callback) { other().push(chunk); callback() },
      final(callback) { other().push(null); callback() },
      destroy(error, callback) { if (!other().destroyed) other().destroy(); callback(error) },
    })
    Object.assign(end, { setTimeout: () => end, setNoDelay: () => end, setKeepAlive: () => end, remoteAddress: '127.0.0.1' })
    ends.push(end)
  }
  return ends as [Duplex, Duplex]
}

/**
 * Websockets for the in-process client: an HTTP server that never listens gets each
 * connection as an in-memory stream, so the upgrade runs the same code as `serve`.
 */
export function inProcessWebSockets(app: Roll, started: Promise<void>) {
  let server: Server | undefined
  return {
    /** `path` comes percent-encoded, as the client sends it. */
    async connect(path: string, options?: WebSocketOptions): Promise<WebSocketConnection> {
      await started
      if (server === undefined) attachWebSockets(app, (server = createServer()))
      const [client, peer] = streamPair()
      server.emit('connection', peer)
      return connectWebSocket(`ws://localhost${path}`, options, () => client)
    },
    /** Closes the open websockets and waits for their handlers. */
    close(): Promise<void> {
      return new Promise((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
    },
  }
}
