// The pub/sub transport between the workers of one machine: each worker sends what it
// publishes to the cluster primary over the IPC channel Node gives every worker, and
// the primary (roll start, or your own, through relayPubSub) sends it on to the others.
import type { Cluster, Worker } from 'node:cluster'
import type { Message } from '../websocket.js'
import type { PubSubTransport } from './pubsub.js'

/** The IPC message: `text` for a text message, `base64` for bytes (the channel speaks JSON). */
export interface RelayedMessage {
  type: 'roll:pubsub'
  topic: string
  text?: string
  base64?: string
}

const TYPE = 'roll:pubsub'

function isRelayed(message: unknown): message is RelayedMessage {
  return (message as RelayedMessage | null)?.type === TYPE && typeof (message as RelayedMessage).topic === 'string'
}

/** The transport of a cluster worker (`pubsub` picks it by itself in one). */
export function clusterTransport(): PubSubTransport {
  let onMessage: ((message: unknown) => void) | undefined
  let warned = false
  return {
    open(deliver) {
      onMessage = (message) => {
        if (!isRelayed(message)) return
        deliver(message.topic, message.text ?? Buffer.from(message.base64 ?? '', 'base64'))
      }
      process.on('message', onMessage)
    },
    publish(topic, data: Message) {
      const message: RelayedMessage = typeof data === 'string' ? { type: TYPE, topic, text: data } : { type: TYPE, topic, base64: data.toString('base64') }
      if (process.connected) return void process.send!(message, undefined, {}, () => {})
      if (!warned) console.error('[roll] pubsub: the cluster primary is gone; messages reach this worker\'s subscribers only.')
      warned = true
    },
    close() {
      if (onMessage !== undefined) process.off('message', onMessage)
    },
  }
}

/**
 * Relays pub/sub messages between the workers of `primary` (what `roll start` does). Call
 * it in a `node:cluster` primary of your own; returns a function that stops relaying.
 * @example import cluster from 'node:cluster'; if (cluster.isPrimary) relayPubSub(cluster)
 */
export function relayPubSub(primary: Cluster): () => void {
  const relay = (from: Worker, message: unknown) => {
    if (!isRelayed(message)) return
    for (const worker of Object.values(primary.workers ?? {})) {
      // A worker that is exiting misses the message; the others still get it.
      if (worker !== undefined && worker !== from && worker.isConnected()) worker.send(message, undefined, () => {})
    }
  }
  primary.on('message', relay)
  return () => void primary.off('message', relay)
}
