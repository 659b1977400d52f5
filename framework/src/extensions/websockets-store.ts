// websocketsStore: keeps the open websockets in `app.get('websockets')`, for broadcasting.
import type { Roll, WebSocketConnection } from '../index.js'

/**
 * Keeps every open websocket in the `Set` at `app.get('websockets')` (created if absent)
 * from `websocket_connect` to `websocket_disconnect`.
 * @example
 * websocketsStore(app)
 * for (const ws of app.get('websockets') as Set<WebSocketConnection>) await ws.send('news')
 */
export function websocketsStore(app: Roll): Set<WebSocketConnection> {
  if (!app.has('websockets')) app.set('websockets', new Set<WebSocketConnection>())
  const sockets = app.get('websockets')
  if (!(sockets instanceof Set)) {
    throw new TypeError(`websocketsStore(): app.get('websockets') must be a Set, got ${typeof sockets}; remove that entry or store a Set.`)
  }
  app.listen('websocket_connect', (request, ws) => { sockets.add(ws) })
  app.listen('websocket_disconnect', (request, ws) => { sockets.delete(ws) })
  return sockets
}
