// Roll, the app: it registers routes and event listeners, and runs each request
// through its lifecycle (headers → routing → body → request → handler → response).
import { Cookies } from './cookies.js'
import { HttpError, statusPhrase } from './errors.js'
import { Files, Form, Query } from './multidict.js'
import { HTTP_METHODS, LOADED, Request } from './request.js'
import { Response } from './response.js'
import { Router, type RouterLike } from './router.js'
import type { Handler, PathParams, Route, RouteOptions, RoutePayload, RollEvents, ViewClass } from './types.js'
import type { WebSocketHandler } from './websocket.js'

export { HTTP_METHODS } from './request.js'
const METHODS = new Set<string>(HTTP_METHODS)
const PROTOCOLS = ['http', 'websocket']

export interface RollOptions {
  /** Largest body read into memory, in bytes; beyond it, 413. Default 1 MiB. */
  maxBodySize?: number
  /** Largest websocket message, in bytes; beyond it, the socket closes with 1009. Default 1 MiB. */
  maxMessageSize?: number
}

type Listener = (...args: any[]) => unknown
type AnyView = Function | ViewClass
// An event name not in RollEvents: typed events must match their signature.
type Custom<N extends string> = N extends keyof RollEvents ? never : N

const isClass = (view: unknown): view is ViewClass =>
  typeof view === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(view))

const isPromise = (value: unknown): value is Promise<unknown> =>
  value !== null && typeof value === 'object' && typeof (value as Promise<unknown>).then === 'function'

// `next(value)` now, or once `value` settles if it is a promise: a step waits only for what has to be waited for.
const then = <T, R>(value: T | Promise<T>, next: (value: T) => R): R | Promise<R> => (isPromise(value) ? (value as Promise<T>).then(next) : next(value as T))

function classHandlers(path: string, View: ViewClass, methods: unknown): Record<string, Function> {
  if (methods !== undefined) {
    throw new TypeError(`route '${path}': \`methods\` cannot be used with a class view; define onGet/onPost… on the class instead.`)
  }
  const view = new View() as Record<string, unknown>
  const handlers: Record<string, Function> = {}
  for (const method of HTTP_METHODS) {
    const handler = view[`on${method[0]}${method.slice(1).toLowerCase()}`]
    if (typeof handler === 'function') handlers[method] = handler.bind(view)
  }
  if (Object.keys(handlers).length === 0) {
    throw new TypeError(`route '${path}': the class view ${View.name || '(anonymous)'} has no onGet/onPost/… method; define at least one.`)
  }
  return handlers
}

/**
 * A Roll app: routes, event listeners, and app-wide data (it is a `Map`).
 * Subclasses may swap the classes it builds with (`class MyRoll extends Roll { Query = MyQuery }`),
 * its router included (`Router = MyRouter`).
 * @example
 * const app = new Roll()
 * app.route('/hello/{name}', (request, response, { name }) => { response.body = `Hello ${name}` })
 */
export class Roll extends Map<string, unknown> {
  Query = Query
  Form = Form
  Files = Files
  Request = Request
  Response = Response
  Cookies = Cookies
  /** The router class, as Roll's `Routes`: made on the first route, so a subclass's field is the one used. */
  Router: new () => RouterLike<RoutePayload> = Router
  readonly maxBodySize: number
  readonly maxMessageSize: number
  #router?: RouterLike<RoutePayload>
  #paths = new Map<RoutePayload, string>() // each route's payload, with the path it was first registered under
  #listeners = new Map<string, Listener[]>()
  #perRequest = false // until a per-request event has a listener, a request checks this, not a Map per event

  constructor(options: RollOptions = {}) {
    super()
    const { maxBodySize = 1024 * 1024 } = options
    if (!(maxBodySize >= 0)) throw new RangeError(`new Roll(): maxBodySize must be a number of bytes ≥ 0, got ${maxBodySize}.`)
    this.maxBodySize = maxBodySize
    const { maxMessageSize = 1024 * 1024 } = options
    if (!(maxMessageSize >= 0)) throw new RangeError(`new Roll(): maxMessageSize must be a number of bytes ≥ 0, got ${maxMessageSize}.`)
    this.maxMessageSize = maxMessageSize
  }

  /**
   * Registers a handler (or a class view) for `path`; returns it. Without a handler,
   * returns a function that registers one (Roll's decorator form).
   * @example app.route('/items/{id:digit}', { methods: ['GET', 'POST'] }, handler)
   */
  route<P extends string, V extends WebSocketHandler<PathParams<P>>>(path: P, options: RouteOptions & { protocol: 'websocket' }, view: V): V
  route<P extends string>(path: P, options: RouteOptions & { protocol: 'websocket' }): <V extends WebSocketHandler<PathParams<P>>>(view: V) => V
  route<P extends string, V extends Handler<PathParams<P>> | ViewClass>(path: P, view: V): V
  route<P extends string, V extends Handler<PathParams<P>> | ViewClass>(path: P, options: RouteOptions, view: V): V
  route<P extends string>(path: P, options?: RouteOptions): <V extends Handler<PathParams<P>> | ViewClass>(view: V) => V
  route(path: string, optionsOrView?: RouteOptions | AnyView, maybeView?: AnyView): unknown {
    const [options, view] = typeof optionsOrView === 'function' ? [{}, optionsOrView] : [optionsOrView ?? {}, maybeView]
    const register = (view: AnyView) => this.#addRoute(path, options, view)
    return view === undefined ? register : register(view)
  }

  #addRoute(path: string, options: RouteOptions, view: AnyView): AnyView {
    if (typeof path !== 'string') throw new TypeError(`app.route(): the path must be a string, got ${typeof path}.`)
    if (typeof view !== 'function') throw new TypeError(`route '${path}': the handler must be a function or a class, got ${typeof view}.`)
    const { methods, ...extras } = options
    if (extras.protocol !== undefined && !PROTOCOLS.includes(extras.protocol)) {
      throw new TypeError(`route '${path}': unknown protocol '${extras.protocol}'; use 'http' or 'websocket'.`)
    }
    if (methods !== undefined && (!Array.isArray(methods) || methods.length === 0)) {
      throw new TypeError(`route '${path}': \`methods\` must be an array such as ['GET', 'POST'].`)
    }
    const handlers = isClass(view)
      ? classHandlers(path, view, methods)
      : Object.fromEntries((methods ?? ['GET']).map((method) => [method.toUpperCase(), view]))
    const unknown = Object.keys(handlers).find((method) => !METHODS.has(method))
    if (unknown !== undefined) {
      throw new TypeError(`route '${path}': '${unknown}' in \`methods\` is not an HTTP method; use ${HTTP_METHODS.join(', ')}.`)
    }
    if (extras.protocol === 'websocket' && Object.keys(handlers).some((method) => method !== 'GET')) {
      throw new TypeError(`route '${path}': a websocket route answers GET only; remove \`methods\`.`)
    }
    const payload = (this.#router ??= new this.Router()).add(path, { ...handlers, ...extras } as RoutePayload)
    payload.protocol ??= 'http'
    if (!this.#paths.has(payload)) this.#paths.set(payload, path)
    for (const listener of this.#listeners.get('route:add') ?? []) if (listener(path, view, options)) break
    return view
  }

  /** The routes, in registration order: each path (the first, for merged routes), its methods and protocol. */
  get routes(): { path: string; methods: string[]; protocol: RoutePayload['protocol'] }[] {
    return [...this.#paths].map(([payload, path]) => ({ path, methods: HTTP_METHODS.filter((method) => typeof payload[method] === 'function'), protocol: payload.protocol }))
  }

  /** The route matching `path`; its payload is `null` when none does. */
  lookup(path: string): Route {
    return this.#router?.match(path) ?? { payload: null, vars: {} }
  }

  /** Registers a listener for an event (built-in or custom); returns it. */
  listen<K extends keyof RollEvents>(name: K, listener: RollEvents[K]): RollEvents[K]
  listen<N extends string, L extends Listener>(name: Custom<N>, listener: L): L
  listen(name: string, listener: Listener): Listener {
    if (typeof listener !== 'function') throw new TypeError(`app.listen('${name}'): the listener must be a function, got ${typeof listener}.`)
    this.#listeners.get(name)?.push(listener) ?? this.#listeners.set(name, [listener]) // the same list: a hook running sees it
    this.#perRequest ||= ['headers', 'request', 'response', 'error'].includes(name)
    return listener
  }

  /** Calls the listeners of `name` in order; the first truthy result stops the chain and is returned. */
  async hook<K extends keyof RollEvents>(name: K, ...args: Parameters<RollEvents[K]>): Promise<unknown>
  async hook<N extends string>(name: Custom<N>, ...args: unknown[]): Promise<unknown>
  async hook(name: string, ...args: unknown[]): Promise<unknown> {
    for (const listener of this.#listeners.get(name) ?? []) {
      const result = await listener(...args)
      if (result) return result
    }
    return undefined
  }

  // hook for `headers`, `request` and `response`, but waiting only for a listener that returns a
  // promise: a request whose listeners are synchronous (most extensions, roll start's health
  // check) takes no extra turn of the event loop. Two arguments, not a spread: a request's cost.
  #fire(name: string, request: Request, response: Response, from = 0): unknown {
    const listeners = this.#listeners.get(name) ?? []
    for (let i = from; i < listeners.length; i++) {
      const result = listeners[i](request, response)
      if (isPromise(result)) return result.then((value) => value || this.#fire(name, request, response, i + 1))
      if (result) return result
    }
    return undefined
  }

  /** True when `name` has listeners: lets the hot path skip a hook nobody listens to. */
  #listens(name: string): boolean { return this.#perRequest && this.#listeners.has(name) }

  /** Fires `startup`; servers and the test client call it. */
  async startup(): Promise<void> { await this.hook('startup') }

  /** Fires `shutdown`; servers and the test client call it. */
  async shutdown(): Promise<void> { await this.hook('shutdown') }

  /**
   * The front of the lifecycle, shared by HTTP requests and websocket upgrades: routes the
   * request and fires `headers`. True (or a promise of it) when a listener answered.
   */
  routeRequest(request: Request, response: Response): boolean | Promise<boolean> {
    request.route = this.lookup(request.path)
    return this.#perRequest ? then(this.#fire('headers', request, response), Boolean) : false // none: #fire gives undefined
  }

  /** The end of the lifecycle, shared with refused websocket upgrades: fires `response`; a listener's error becomes the response. */
  async respond(request: Request, response: Response): Promise<void> { await this.#respond(request, response) }

  #respond(request: Request, response: Response): void | Promise<void> {
    try {
      const done = this.#fire('response', request, response)
      if (isPromise(done)) return done.then(() => undefined, (error: unknown) => this.#fail(request, response, error))
    } catch (error) {
      return this.#fail(request, response, error)
    }
  }

  /** Runs one request through the lifecycle; errors become the response, never a rejection. A promise only if a step had to wait. */
  dispatch(request: Request, response: Response): void | Promise<void> {
    let running: unknown
    try {
      running = this.#handle(request, response)
    } catch (error) {
      running = this.#fail(request, response, error)
    }
    if (isPromise(running)) return this.#finish(request, response, running)
    if (this.#listens('response')) return this.#respond(request, response)
  }

  async #finish(request: Request, response: Response, running: Promise<unknown>): Promise<void> {
    await running.catch((error: unknown) => this.#fail(request, response, error))
    if (this.#listens('response')) await this.#respond(request, response)
  }

  // Routing, `headers`, the body, `request` and the handler, each awaited only if it must be.
  #handle(request: Request, response: Response): unknown {
    const answered = this.routeRequest(request, response)
    return answered === false ? this.#handleRoute(request, response) : then(answered, (done) => done || this.#handleRoute(request, response))
  }

  #handleRoute(request: Request, response: Response): unknown {
    const refused = refusal(request, response)
    // An answer, not a failure: its HttpError (which costs more than the rest) only for `error` listeners.
    if (refused !== undefined) return this.#listens('error') ? this.#fail(request, response, HttpError.answer(...refused)) : sendText(response, refused[0], refused[1] ?? statusPhrase(refused[0])!)
    const loading = request.route.payload!.lazyBody ? LOADED : request.loadBody()
    if (!this.#listens('request')) return loading === LOADED ? this.#callHandler(request, response) : loading.then(() => this.#callHandler(request, response))
    const hooked = () => then(this.#fire('request', request, response), (done) => done || this.#callHandler(request, response))
    return loading === LOADED ? hooked() : loading.then(hooked)
  }

  #callHandler(request: Request, response: Response): unknown {
    const handler = request.route.payload![request.method] as Handler // called as a function, not a method of payload
    return handler(request, response, request.route.vars)
  }

  /**
   * Turns an error into the response (its status and message, as text/plain; an
   * unexpected error is a logged 500) and fires `error`, as Roll's `on_error` does.
   */
  async onError(request: Request, response: Response, error: unknown): Promise<void> { await this.#fail(request, response, error) }

  // onError, which waits only for `error` listeners.
  #fail(request: Request, response: Response, error: unknown): void | Promise<void> {
    const httpError = error instanceof HttpError ? error : new HttpError(500, undefined, { cause: error })
    if (httpError !== error) logUnexpected(request, httpError)
    sendText(response, httpError.status, httpError.message)
    if (!this.#listens('error')) return
    return this.hook('error', request, response, httpError).then(undefined, (listenerError: unknown) => {
      sendText(response, 500, 'Internal Server Error')
      logUnexpected(request, new HttpError(500, undefined, { cause: listenerError }))
    })
  }
}

// Why the route cannot answer: 404 (no route), 426 (a websocket route, RFC 9110 §15.5.22
// names the protocol), 405 (no handler for the method); undefined when it can.
function refusal(request: Request, response: Response): [status: number, message?: string] | undefined {
  const payload = request.route.payload
  if (payload === null) return [404, request.path]
  if (payload.protocol !== 'http') {
    response.headers['Upgrade'] = payload.protocol
    return [426]
  }
  if (typeof payload[request.method] === 'function' && METHODS.has(request.method)) return undefined
  response.headers['Allow'] = HTTP_METHODS.filter((method) => typeof payload[method] === 'function').join(', ')
  return [405]
}

// An error message may echo client input (a 404 echoes the path): a Content-Type the
// handler set before failing (text/html…) must not make a browser render it.
function sendText(response: Response, status: number, text: string): void {
  for (const name in response.headers) if (name.toLowerCase() === 'content-type') delete response.headers[name]
  response.status = status
  response.body = text
}

/** One line on stderr for an error the app did not expect; the `traceback` extension prints the stack. */
export function logUnexpected(request: Request, error: HttpError): void {
  const cause = error.cause
  const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : `thrown value ${String(cause)}`
  console.error(`[roll] ${request.method} ${request.url} failed with 500 Internal Server Error: ${what}`)
}
