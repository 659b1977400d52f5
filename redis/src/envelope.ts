// A message on the wire: a JSON line (who sent it, the topic, text or bytes), then the
// data as it is. Redis strings are binary-safe, so bytes travel without base64.
import type { Message } from '@roll/framework'

export interface Envelope {
  /** The id of the transport that published it. */
  from: string
  topic: string
  data: Message
}

const VERSION = 1
const NEWLINE = 0x0a

/** The bytes to publish: encoded once, whoever receives them. */
export function encode({ from, topic, data }: Envelope): Buffer {
  const head = `${JSON.stringify({ v: VERSION, from, topic, text: typeof data === 'string' })}\n`
  return typeof data === 'string' ? Buffer.from(head + data) : Buffer.concat([Buffer.from(head), data])
}

/** The envelope in `wire`, or undefined for anything that is not one of ours (of this version). */
export function decode(wire: Buffer): Envelope | undefined {
  const end = wire.indexOf(NEWLINE)
  if (end === -1) return undefined
  let head: { v?: unknown; from?: unknown; topic?: unknown; text?: unknown }
  try {
    head = JSON.parse(wire.toString('utf8', 0, end))
  } catch {
    return undefined
  }
  if (head?.v !== VERSION || typeof head.from !== 'string' || typeof head.topic !== 'string') return undefined
  const body = wire.subarray(end + 1)
  return { from: head.from, topic: head.topic, data: head.text === true ? body.toString('utf8') : body }
}
