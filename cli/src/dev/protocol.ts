// The messages between roll dev's supervisor and its workers (over the cluster IPC channel).

/** Supervisor → worker. */
export type ToWorker =
  /** Import `bundle`, serve its app on the shared socket `host:port`, open the inspector if asked. */
  | { type: 'go'; bundle: string; entry: string; port: number; host: string; inspect?: { host: string; port: number } }
  /**
   * Stop accepting, finish in-flight requests (at most `timeout` ms), fire `shutdown`,
   * exit. The websockets are closed with `closeCode` (1012 Service Restart when a new
   * worker serves, 1001 Going Away when roll dev stops) on `close-websockets`.
   */
  | { type: 'drain'; timeout: number; closeCode: 1001 | 1012 }
  /**
   * The answer to `stopped-listening`: the supervisor no longer hands this worker new
   * connections, so a peer that reconnects at once reaches the next worker.
   */
  | { type: 'close-websockets' }
  /** Serve this connection (its socket is the message's handle), handed over by the previous worker. */
  | { type: 'connection' }
  /** Free the inspector's port for the next worker, or take it back if that one failed. */
  | { type: 'inspector-close' }
  | { type: 'inspector-open'; host: string; port: number }

/** Worker → supervisor. */
export type FromWorker =
  /** The framework and the app's dependencies are loaded: it can serve a bundle. */
  | { type: 'ready' }
  | { type: 'listening'; url: string; port: number }
  /** The bundle failed to import or the app to start (the worker printed why, and exits). */
  | { type: 'failed'; code?: string; message: string }
  | { type: 'inspector-closed' }
  /** Draining, it no longer listens (sent after node:cluster's own message saying so, on the same channel). */
  | { type: 'stopped-listening' }
  /** An idle keep-alive connection (its socket is the message's handle) for the next worker. */
  | { type: 'connection' }
