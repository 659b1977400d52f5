// One connection to Redis that comes back by itself. node-redis can retry on its own,
// but its retry timer outlives close() (keeping the process alive for up to 2 s), so
// this one gives up at each failure and retries on a timer of its own.
import { createClient } from 'redis'

// Without the offline queue a command sent while Redis is away fails at once: nothing
// piles up to be sent late.
const newClient = (url: string) => createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: false } })
export type RedisClient = ReturnType<typeof newClient>

export interface ConnectionEvents {
  /** The connection is ready, at first or again. */
  ready(): void
  /** An attempt failed, or the connection was lost (once per failed attempt while Redis is away). */
  failed(error: Error): void
}

export interface Connection {
  client: RedisClient
  /** Lets commands under way reach Redis (for at most a second), then closes; no retry follows. */
  close(): Promise<void>
}

const CLOSE_TIMEOUT = 1_000
/** How often a connection checks that Redis answers: one PING left unanswered that long replaces it. */
const HEARTBEAT = 5_000

/** The wait before the next attempt after `failures` failed ones: 50 ms doubling up to 2 s, plus jitter. */
const backoff = (failures: number) => Math.min(50 * 2 ** failures, 2_000) + Math.random() * 100

export function connect(url: string, events: ConnectionEvents): Connection {
  const client = newClient(url)
  let failures = 0
  let retry: NodeJS.Timeout | undefined
  let closed = false
  const attempt = () => void client.connect().catch(() => {}) // the failure comes as 'error', then 'terminated'
  client.on('error', (error: Error) => { if (!closed) events.failed(error) })
  client.on('terminated', () => { if (!closed) retry = setTimeout(attempt, backoff(failures++)) })
  client.on('ready', () => {
    // An attempt that was under way at close() succeeded after all.
    if (closed) return void client.destroy()
    failures = 0
    events.ready()
  })
  // A link that died without closing (a network partition, a frozen server) shows only
  // when asked. node-redis gives up on a command written to such a link never, so the
  // heartbeat keeps its own time.
  let awaitingPong = false
  const heartbeat = setInterval(() => {
    if (!client.isReady) return
    if (awaitingPong) {
      client.destroy()
      events.failed(new Error(`no answer to PING within ${HEARTBEAT / 1000} s`))
      retry = setTimeout(attempt, backoff(failures++))
      return
    }
    awaitingPong = true
    const answered = () => { awaitingPong = false }
    client.ping().then(answered, answered)
  }, HEARTBEAT)
  heartbeat.unref()
  attempt()
  return {
    client,
    async close() {
      closed = true
      clearTimeout(retry)
      clearInterval(heartbeat)
      if (client.isReady) {
        let timer: NodeJS.Timeout | undefined
        const timedOut = new Promise<boolean>((resolve) => { timer = setTimeout(resolve, CLOSE_TIMEOUT, true) })
        const late = await Promise.race([client.close().then(() => false, () => true), timedOut])
        clearTimeout(timer)
        if (!late) return
      }
      client.destroy()
    },
  }
}
