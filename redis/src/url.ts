// The URL of the Redis server: checked at once, and shown without its password.

const EXAMPLE = "redisTransport('redis://localhost:6379'), or redisTransport(process.env.REDIS_URL) with REDIS_URL set"

/** `url` parsed, or a TypeError that says how to write it. */
export function parseRedisUrl(url: unknown): URL {
  if (typeof url !== 'string' || url === '') {
    throw new TypeError(`redisTransport(): pass the URL of your Redis server, as ${EXAMPLE}; got ${url === '' ? 'an empty string' : typeof url}.`)
  }
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    // reported below
  }
  if (parsed?.protocol !== 'redis:' && parsed?.protocol !== 'rediss:') {
    const shown = parsed === undefined ? 'a string that is not a URL' : `'${withoutPassword(parsed)}'`
    throw new TypeError(`redisTransport(): the URL must start with redis:// (or rediss:// for TLS), as redis://localhost:6379; got ${shown}.`)
  }
  return parsed
}

/** `url` as it may be logged: without its password. */
export function withoutPassword(url: URL): string {
  const shown = new URL(url.href)
  shown.password = ''
  return shown.href
}
