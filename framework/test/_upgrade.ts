// A websocket upgrade request sent as Roll's tests send it, for the websocket tests: the
// answer, a 101 included (its socket closed at once), or the refusal with its body.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'

export const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
export const UPGRADE = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': KEY, 'Sec-WebSocket-Version': '13' }

export interface Answer { status: number; headers: IncomingHttpHeaders; body: string }

/** Sends an upgrade request for `path` (headers added to UPGRADE's) and resolves with the answer. */
export function upgradeRequest(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method, headers: { ...UPGRADE, ...headers } })
    request.on('upgrade', (response, socket: Socket) => {
      socket.destroy()
      resolve({ status: response.statusCode!, headers: response.headers, body: '' })
    })
    request.on('response', (response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }))
    })
    request.on('error', reject)
    request.end()
  })
}
