// The fuzzer, bounded: about 60 s of mutated requests against a live server, with a fixed
// seed (printed, and FUZZ_SEED overrides it) so a failure replays with
// `npm run fuzz -- --seed <seed> --path <path>`.
import { describe, expect, test } from 'vitest'
// @ts-expect-error: a plain .mjs script, shared with `npm run fuzz`.
import { fuzz, mutate } from './fuzz/fuzz.mjs'

const SEED = Number(process.env.FUZZ_SEED ?? 20261201)

describe('the fuzzer', () => {
  test('mutates what it is told to, and sets an honest Content-Length on request', () => {
    const seed = Buffer.from('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello')
    expect(mutate(seed, [{ kind: 'truncate', at: 0.95 }]).toString()).toBe('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe')
    expect(mutate(seed, [{ kind: 'truncate', at: 0.95 }], true).toString()).toBe('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhe')
    expect(mutate(seed, [{ kind: 'duplicateHeader', line: 0, times: 2 }]).toString()).toMatch(/^POST \/echo HTTP\/1\.1\r\n(Host: x\r\n){3}/)
    const chunked = mutate(seed, [{ kind: 'rechunk', sizes: [2], lie: 0, extension: '' }]).toString()
    expect(chunked).toBe('POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n2\r\nll\r\n1\r\no\r\n0\r\n\r\n')
  })

  test(`finds nothing in 60 s of mutated requests (seed ${SEED}): no crash, no 500, a 200 after every batch`, async () => {
    console.log(`fuzzing with seed ${SEED}; replay with: npm run fuzz -- --seconds 60 --seed ${SEED}`)
    const { stats, failure } = await fuzz({ seconds: 60, seed: SEED })
    console.log(`fuzz: ${stats.requests} requests in ${stats.seconds} s, answers ${JSON.stringify(stats.statuses)}, crashes ${stats.crashes}`)
    expect(failure, JSON.stringify(failure, null, 2)).toBeUndefined()
    expect(stats.crashes).toBe(0)
    // The run really attacked: most requests got an answer, every body kind included.
    expect(stats.requests).toBeGreaterThan(1000)
    expect(stats.statuses[200]).toBeGreaterThan(50)
    expect(stats.statuses[400]).toBeGreaterThan(200)
    expect(stats.statuses[101]).toBeGreaterThan(5)
  }, 120_000)
})
