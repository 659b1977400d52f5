// @roll/framework: the public surface. Extensions live in '@roll/framework/extensions',
// test clients in '@roll/framework/testing'.
export { Roll, HTTP_METHODS, type RollOptions } from './app.js'
export { HttpError, HTTPStatus, statusPhrase } from './errors.js'
export { Request, type RequestSource } from './request.js'
export { Response, type Body, type Headers } from './response.js'
export { Cookies, type CookieOptions } from './cookies.js'
export { Multidict, Query, Form, Files, type UploadedFile } from './multidict.js'
export { Router, parsePath, type PathPart, type RouterLike } from './router.js'
export { serve, createRequestListener, type ServeOptions, type Served } from './server.js'
export { writeResponse, type ResponseSink } from './wire.js'
export {
  WebSocketConnection, ConnectionClosed, TimeoutError, attachWebSockets, type Message, type WebSocketHandler,
} from './websocket.js'
export type { Handler, PathParams, RouteOptions, RoutePayload, Route, RollEvents, ViewClass } from './types.js'
