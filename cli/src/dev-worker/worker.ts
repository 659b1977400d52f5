// A roll dev worker. It boots Node, loads the framework and the app's dependencies, and
// waits as a warm standby; told to go, it imports the new bundle and serves it on the
// supervisor's listening socket; told to drain, it finishes its requests and exits.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import * as inspector from 'node:inspector'
import { createRequire } from 'node:module'
import { Server as NetServer, Socket as NetSocket, type Socket, type SocketConstructorOpts } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { appFrom } from '../app-module.js'
import { error as logError } from '../log.js'
import { appStack, terminalReport } from './app-stack.js'
import { addDevPages, type DevPagesApp } from './dev-pages.js'
import { preloadPath } from '../dev/bundle-folder.js'
import type { FromWorker, ToWorker } from '../dev/protocol.js'

// Before any bundle is imported, so its inline source map is read and stacks point at the .ts lines.
process.setSourceMapsEnabled(true)

interface Served {
  url: string
  port: number
  server: Server
}
type Serve = (app: unknown, options: { port: number; host: string }) => Promise<Served>

// The app's own framework (resolved from the app, as its bundles resolve it), loaded as
// the worker starts, while the supervisor builds: every bundle imports it first. A failure
// is reported when a bundle is to be served (the last lines wait for it without throwing).
const framework = (async () => {
  const path = createRequire(join(process.cwd(), 'package.json')).resolve('@roll/framework')
  return ((await import(pathToFileURL(path).href)) as { serve: Serve }).serve
})()
interface WebSocketLike { close(code: number, reason: string): Promise<void> }
interface DevApp {
  shutdown?: () => Promise<unknown>
  listen(event: 'websocket_connect' | 'websocket_disconnect', listener: (request: unknown, ws: WebSocketLike) => void): unknown
}
let app: DevApp | undefined
// The app's open websockets, closed with a clean code when this worker drains.
const websockets = new Set<WebSocketLike>()
let served: Served | undefined
let draining = false
let allClosed: (() => void) | undefined
// Per connection: requests (and upgrades) not yet answered, the bytes read when the last
// response ended (more since then: a request is arriving), the response under way.
interface Connection {
  busy: number
  bytesWhenIdle: number
  response?: ServerResponse
}
const connections = new Map<Socket, Connection>()

const send = (message: FromWorker, then?: () => void) => process.send?.(message, undefined, {}, () => then?.())

// Ctrl-C reaches every process of the terminal's group: the supervisor decides when workers stop.
process.on('SIGINT', () => {})

process.on('message', (message: ToWorker, socketHandle?: unknown) => {
  const handle = {
    connection: async () => adopt(socketHandle),
    go: () => go(message as Extract<ToWorker, { type: 'go' }>),
    drain: () => drain(message as Extract<ToWorker, { type: 'drain' }>),
    'close-websockets': async () => closeWebSockets(),
    'inspector-close': async () => {
      inspector.close()
      send({ type: 'inspector-closed' })
    },
    'inspector-open': async () => {
      const { host, port } = message as Extract<ToWorker, { type: 'inspector-open' }>
      inspector.open(port, host)
    },
  }[message.type]
  // The app may use the IPC channel too: what is not roll's is not roll's business.
  if (handle === undefined) return
  void handle().catch((error: unknown) => {
    console.error('[roll] dev worker error:', error)
    process.exit(1)
  })
})

async function go({ bundle, entry, port, host, inspect }: Extract<ToWorker, { type: 'go' }>): Promise<void> {
  if (inspect) inspector.open(inspect.port, inspect.host)
  let phase = `${entry} failed to load`
  try {
    const module = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>
    phase = 'the app failed to start'
    app = appFrom(module, entry) as unknown as DevApp
    addDevPages(app as unknown as DevPagesApp, process.cwd())
    app.listen('websocket_connect', (_request, ws) => {
      // One accepted while this worker stopped listening.
      if (websocketsClosing) return closeWebSocket(ws)
      websockets.add(ws)
    })
    app.listen('websocket_disconnect', (_request, ws) => { websockets.delete(ws) })
    const serve = await framework
    served = await serve(app, { port, host })
    watchConnections(served.server)
    send({ type: 'listening', url: served.url, port: served.port })
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    if (code !== 'EADDRINUSE' && code !== 'EACCES') {
      // As for a handler's error: the app's line and frames, the rest folded, the first line in red.
      const stack = appStack(error, process.cwd())
      logError(`${phase}: ${stack.title}`)
      process.stderr.write(terminalReport(stack))
    }
    send({ type: 'failed', code: typeof code === 'string' ? code : undefined, message: String((error as Error)?.message ?? error) }, () => process.exit(1))
  }
}

function watchConnections(server: Server): void {
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { busy: 0, bytesWhenIdle: socket.bytesRead })
    socket.once('close', () => {
      connections.delete(socket)
      if (connections.size === 0) allClosed?.()
    })
  })
  // First in line, so a response started after the drain began is the connection's last.
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const state = connections.get(request.socket)
    if (draining) response.shouldKeepAlive = false
    if (state === undefined) return
    state.busy++
    state.response = response
    response.once('close', () => {
      state.busy--
      state.bytesWhenIdle = request.socket.bytesRead
    })
  })
  server.on('upgrade', (request: IncomingMessage) => {
    const state = connections.get(request.socket)
    if (state !== undefined) state.busy++
  })
}

let websocketCloseCode: 1001 | 1012 = 1001
let websocketsClosing = false

// A peer sees why (and reconnects at once), never 1006 when the process exits.
function closeWebSocket(ws: WebSocketLike): void {
  void ws.close(websocketCloseCode, websocketCloseCode === 1012 ? 'Service Restart: the code changed' : 'Going Away: roll dev stopped')
}

function closeWebSockets(): void {
  websocketsClosing = true
  for (const ws of websockets) closeWebSocket(ws)
}

async function drain({ timeout, closeCode }: Extract<ToWorker, { type: 'drain' }>): Promise<void> {
  draining = true
  websocketCloseCode = closeCode
  for (const { response } of connections.values()) if (response !== undefined && !response.headersSent) response.shouldKeepAlive = false
  setTimeout(() => process.exit(0), timeout).unref()
  if (served !== undefined) {
    const server = served.server
    // net's close, not http's: http's also closes idle keep-alive connections, and a client
    // may be sending a request on one right now (it would be reset). Those go to the next
    // worker instead, which also serves their next request with the new code; the others
    // end after their response, which says `Connection: close`.
    NetServer.prototype.close.call(server)
    send({ type: 'stopped-listening' })
    for (const [socket, state] of connections) if (state.busy === 0 && socket.bytesRead === state.bytesWhenIdle) handOver(socket)
    // Not net's close callback: it does not count the connections handed over to this worker.
    if (connections.size > 0) await new Promise<void>((resolve) => (allClosed = resolve))
    await app?.shutdown?.()
  }
  process.exit(0)
}

// Passes an idle connection's socket to the supervisor, which passes it to the serving
// worker. Reading stops first, so every byte the client sends next reaches the new worker.
// The raw handle (`_handle`, and `new Socket({ handle })` in `adopt`) is sent, as Node's
// cluster does: a net.Socket would start reading in the supervisor and lose bytes.
function handOver(socket: Socket): void {
  const handle = (socket as Socket & { _handle?: object })._handle
  // It stays in `connections` until destroyed, once sent: exiting before would lose it.
  if (handle === undefined || process.send === undefined) return void socket.destroy()
  socket.pause()
  process.send({ type: 'connection' } satisfies FromWorker, handle as never, {}, () => socket.destroy())
}

// A connection handed over by the previous worker: serve it as if this worker had accepted it.
function adopt(handle: unknown): void {
  if (served === undefined || draining) return void (handle as { close(): void }).close()
  const socket = new NetSocket({ handle, readable: true, writable: true } as SocketConstructorOpts)
  served.server.emit('connection', socket)
}

// Then the app's dependencies, as the last build found them. A dependency that fails here
// fails again when the bundle imports it, and is reported then.
await framework.catch(() => {})
await import(pathToFileURL(preloadPath(process.cwd())).href).catch(() => {})
send({ type: 'ready' })
