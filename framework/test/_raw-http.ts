// A raw TCP client for the tests that need to send what a well-behaved HTTP client never would.
import { connect, type Socket } from 'node:net'

export interface RawConnection {
  socket: Socket
  /** Everything received so far. */
  received(): string
  /** Resolves once `pattern` shows up in what was received (rejects after `timeout` ms). */
  waitFor(pattern: string | RegExp, timeout?: number): Promise<string>
  /** Resolves when the server closes the connection, with everything received. */
  closed(timeout?: number): Promise<string>
}

export function rawConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    let ended = false
    const waiters = new Set<() => void>()
    const notify = () => { for (const waiter of waiters) waiter() }
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => { data += chunk; notify() })
    socket.on('close', () => { ended = true; notify() })
    socket.on('error', () => {})
    const until = (done: () => boolean, what: string, timeout: number) =>
      new Promise<string>((ok, fail) => {
        const check = () => {
          if (!done()) return
          cleanup()
          ok(data)
        }
        const timer = setTimeout(() => { cleanup(); fail(new Error(`timed out waiting for ${what}; received: ${JSON.stringify(data.slice(0, 500))}`)) }, timeout)
        const cleanup = () => { clearTimeout(timer); waiters.delete(check) }
        waiters.add(check)
        check()
      })
    socket.once('connect', () => resolve({
      socket,
      received: () => data,
      waitFor: (pattern, timeout = 3000) =>
        until(() => (typeof pattern === 'string' ? data.includes(pattern) : pattern.test(data)), String(pattern), timeout),
      closed: (timeout = 3000) => until(() => ended, 'the connection to close', timeout),
    }))
    socket.once('error', reject)
  })
}

/** Sends one raw request and resolves with everything the server answered before closing. */
export async function rawExchange(port: number, payload: string): Promise<string> {
  const connection = await rawConnection(port)
  connection.socket.write(payload)
  return connection.closed()
}
