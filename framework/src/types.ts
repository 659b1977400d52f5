// Types shared by the core: path parameters inferred from a path literal, handlers,
// route options, and the map of built-in events.
import type { Request } from './request.js'
import type { Response } from './response.js'
import type { HttpError } from './errors.js'
import type { WebSocketConnection } from './websocket.js'

type ParamKeys<Path> = Path extends `${string}{${infer Body}}${infer Rest}`
  ? (Body extends `${infer Name}:${string}` ? Name : Body) | ParamKeys<Rest>
  : never

/** The placeholders of a path literal: `PathParams<'/hello/{name}'>` is `{ name: string }`. */
export type PathParams<Path extends string> = string extends Path
  ? Record<string, string>
  : { [Key in ParamKeys<Path>]: string }

/** A route handler: it fills in `response`; `params` are the path's placeholders. */
export type Handler<Params = Record<string, string>> = (
  request: Request,
  response: Response,
  params: Params,
) => void | Promise<void>

/** A class view: `onGet`, `onPost`… methods, one instance for the route. */
export type ViewClass = new () => object

/** Options of `app.route`; any other key is kept on `request.route.payload`. */
export interface RouteOptions {
  /** Default `['GET']`; not allowed with a class view. */
  methods?: string[]
  /** Default `'http'`. */
  protocol?: 'http' | 'websocket'
  /** Do not read the body before the handler: it calls `request.loadBody()` or streams it. */
  lazyBody?: boolean
  /** The route's name for `namedUrl`. */
  name?: string
  /** Media types for the `contentNegotiation` extension. */
  accepts?: string[]
  /** Websocket subprotocols, in order of preference. */
  subprotocols?: string[]
  [key: string]: unknown
}

/** What `request.route.payload` holds: handlers by upper-case method, plus the route's options. */
export interface RoutePayload {
  protocol: 'http' | 'websocket'
  [key: string]: unknown
}

/** The matched route of a request; `payload` is `null` for an unknown path. */
export interface Route {
  payload: RoutePayload | null
  vars: Record<string, string>
}

type Awaitable<T> = T | Promise<T>

/**
 * Events and their listeners' signatures. Apps add their own by augmenting it:
 * `declare module '@roll/framework' { interface RollEvents { 'db:connect': (db: Db) => void } }`.
 */
export interface RollEvents {
  startup: () => Awaitable<unknown>
  shutdown: () => Awaitable<unknown>
  headers: (request: Request, response: Response) => Awaitable<unknown>
  request: (request: Request, response: Response) => Awaitable<unknown>
  response: (request: Request, response: Response) => Awaitable<unknown>
  error: (request: Request, response: Response, error: HttpError) => Awaitable<unknown>
  'route:add': (path: string, view: Function, options: RouteOptions) => unknown
  websocket_connect: (request: Request, ws: WebSocketConnection) => Awaitable<unknown>
  websocket_disconnect: (request: Request, ws: WebSocketConnection) => Awaitable<unknown>
}
