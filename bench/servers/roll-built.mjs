// The five bench routes on Roll as users ship them: roll-app.mjs bundled by `roll build`
// (bench/build-roll.mjs writes it, at the path in ROLL_BUILT), with roll start's server
// bootstrap and its health check, a `headers` listener on every request.
import http from 'node:http'
import { syncBuiltinESMExports } from 'node:module'
import { pathToFileURL } from 'node:url'

if (!process.env.ROLL_BUILT) throw new Error('roll-built.mjs: ROLL_BUILT names no bundle; bench/build-roll.mjs makes one')
// The bootstrap keeps its http.Server to itself; the in-process benches need it to connect.
// Node's own way to change a built-in's exports for ES modules too: syncBuiltinESMExports.
const createServer = http.createServer
let created
http.createServer = (...args) => (created = createServer(...args))
syncBuiltinESMExports()
// The bootstrap's lines (at start-up, and on the SIGTERM that ends a bench) would cut into
// the benches' tables; its warnings and errors still show. The in-process benches log in
// this process: console.log is theirs again once the bootstrap has started.
const log = console.log
const silence = () => { console.log = () => {} }
silence()
await import(pathToFileURL(process.env.ROLL_BUILT).href)
console.log = log
process.prependListener('SIGTERM', silence) // before the bootstrap's own listener
http.createServer = createServer
syncBuiltinESMExports()

export const server = created
process.send?.('ready')
// The bench asks for the CPU time this server has used, to compare the cost per request.
process.on('message', () => process.send?.(process.cpuUsage()))
