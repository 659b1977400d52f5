// Roll against raw node:http and fastify on the real node:http server (llhttp,
// IncomingMessage, ServerResponse), in one process, fed by an in-memory socket instead of
// TCP: the syscalls and the load generator drop out, so CPU time per request is steadier
// than over loopback (bench/framework.mjs). The servers are bench/servers' own, listening
// (on port 0) as they would in production: a listening node:http server also tracks its
// connections for its timeouts. Rounds interleave the servers; medians and p25–p75 of the
// per-round ratios. Roll comes from framework/dist (`npm run build`).
// Usage: node bench/http-in-process.mjs [rounds] [requests per round]
import { buildRoll, ROLL_COLUMNS } from './build-roll.mjs'
import { connect, importServers, PIPELINED, routes } from './in-memory.mjs'

const rounds = Number(process.argv[2] ?? 21)
const perRound = Number(process.argv[3] ?? 16_000)
const built = buildRoll()
const servers = await importServers(['raw', 'fastify', 'roll', 'roll-built'])
built.remove()

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]
const quartiles = (values) => { const sorted = [...values].sort((a, b) => a - b); return [sorted[values.length >> 2], sorted[(3 * values.length) >> 2]] }
const ratio = (values, over) => {
  const ratios = values.map((value, i) => value / over[i])
  const [low, high] = quartiles(ratios)
  return `${median(ratios).toFixed(2)} (${low.toFixed(2)}–${high.toFixed(2)})`.padEnd(18)
}
const names = Object.keys(servers)

console.log(`${rounds} interleaved rounds of ${perRound} requests per route and server, ${PIPELINED} pipelined on one in-memory connection; CPU µs per request, median`)
console.log(ROLL_COLUMNS)
console.log('route  raw     fastify roll    built   roll/raw (p25–p75) built/raw (p25–p75) roll/fastify (p25–p75) built/fastify (p25–p75)')
for (const route of Object.keys(routes)) {
  const exchanges = Object.fromEntries(names.map((name) => [name, connect(servers[name], name, route)]))
  const cpu = Object.fromEntries(names.map((name) => [name, []]))
  for (const name of names) {
    await exchanges[name]()
    exchanges[name].check()
    for (let i = 0; i < perRound / PIPELINED; i++) await exchanges[name]() // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    // Each server goes first, second and last in turn.
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]
      const before = process.cpuUsage()
      for (let j = 0; j < perRound / PIPELINED; j++) await exchanges[name]()
      const used = process.cpuUsage(before)
      cpu[name].push((used.user + used.system) / perRound)
    }
  }
  console.log(`${route.padEnd(6)} ${names.map((name) => median(cpu[name]).toFixed(2).padEnd(7)).join(' ')} ${ratio(cpu.roll, cpu.raw)} ${ratio(cpu['roll-built'], cpu.raw)} ${ratio(cpu.roll, cpu.fastify)} ${ratio(cpu['roll-built'], cpu.fastify)}`)
}
process.exit(0)
