// The messages between roll start's primary and the workers of dist/server.mjs (over the
// cluster IPC channel). On SIGTERM every worker stops listening first, and lets its clients
// go (closes idle keep-alive connections, answers with Connection: close) only once all
// have: a client let go earlier reconnects, and node:cluster's primary resets the
// connections it accepted when the last worker stops listening.

/** Worker → primary: it no longer listens (the primary has seen it close its server). */
export const STOPPED_LISTENING = 'roll:stopped-listening'

/** Primary → worker: no worker listens any more: drain. */
export const DRAIN = 'roll:drain'

/** How long a worker waits for DRAIN before it drains anyway (its primary may not speak this). */
export const DRAIN_WAIT = 1_000
