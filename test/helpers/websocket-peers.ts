// Websockets seen from the tests' side: what arrives on one within a pause, and a peer of
// the chat apps (the pubsub-app fixture), which says `joined <pid>` first.
import type { Message, WebSocketConnection } from '@roll/framework'
import { WebSocket } from 'ws'

/** What arrives on `ws` within `ms` (nothing more is expected). */
export async function drained(ws: WebSocketConnection, ms: number): Promise<Message[]> {
  const got: Message[] = []
  for (;;) {
    const message = await ws.recv({ timeout: ms }).catch(() => undefined)
    if (message === undefined) return got
    got.push(message)
  }
}

/** A chat peer: the process it joined, what it got after `joined`, its close code and when. */
export interface Peer { ws: WebSocket; pid: number; got: string[]; closed?: number; closedAt?: number }

/** Joins the chat at `url` (ws://…/chat); resolves once the server said which process it is. */
export function joinChat(url: string): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    const peer: Peer = { ws, pid: 0, got: [] }
    ws.on('message', (data) => {
      const joined = /^joined (\d+)$/.exec(String(data))
      if (joined === null) return void peer.got.push(String(data))
      peer.pid = Number(joined[1])
      resolve(peer)
    })
    ws.once('close', (code) => { peer.closed = code; peer.closedAt = Date.now() })
    ws.once('error', reject)
  })
}
