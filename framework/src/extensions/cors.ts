// cors: CORS headers on every response, as Roll's `cors` extension.
import { HTTP_METHODS, type Roll } from '../index.js'

/** Options of `cors`. */
export interface CorsOptions {
  /** `Access-Control-Allow-Origin`. Default `'*'`. */
  origin?: string
  /** `Access-Control-Allow-Methods`, joined with `,`; `'*'` means every HTTP method. Not sent by default. */
  methods?: readonly string[] | '*'
  /** `Access-Control-Allow-Headers`, joined with `,`. Not sent by default. */
  headers?: readonly string[]
  /** Sends `Access-Control-Allow-Credentials: true`. Default false. */
  credentials?: boolean
}

/**
 * Adds CORS headers to every response; pair it with `options` to answer preflight requests.
 * @example cors(app, { origin: 'https://example.org', methods: ['GET', 'POST'] })
 */
export function cors(app: Roll, options: CorsOptions = {}): void {
  const { origin = '*', headers, credentials = false } = options
  const methods = options.methods === '*' ? HTTP_METHODS : options.methods
  app.listen('response', (request, response) => {
    response.headers['Access-Control-Allow-Origin'] = origin
    if (methods !== undefined) response.headers['Access-Control-Allow-Methods'] = methods.join(',')
    if (headers !== undefined) response.headers['Access-Control-Allow-Headers'] = headers.join(',')
    if (credentials) response.headers['Access-Control-Allow-Credentials'] = 'true'
  })
}
