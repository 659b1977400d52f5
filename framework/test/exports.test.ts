// The public surface: what '@roll/framework' and '@roll/framework/testing' export. A change
// here is an API change: update ROLL-API.md first, then this snapshot.
import { expect, expectTypeOf, test } from 'vitest'
import * as framework from '@roll/framework'
import * as testing from '@roll/framework/testing'
import type {
  Body, CookieOptions, Handler, Headers, PathParams, PathPart, RequestSource, ResponseSink, Route, RouteOptions,
  RoutePayload, RouterLike, RollEvents, RollOptions, Served, ServeOptions, UploadedFile, ViewClass,
} from '@roll/framework'
import type { Client, ClientResponse, FileSpec, LiveClient, RequestOptions } from '@roll/framework/testing'

test("'@roll/framework' exports these values", () => {
  expect(Object.keys(framework).sort()).toMatchInlineSnapshot(`
    [
      "ConnectionClosed",
      "Cookies",
      "Files",
      "Form",
      "HTTPStatus",
      "HTTP_METHODS",
      "HttpError",
      "Multidict",
      "Query",
      "Request",
      "Response",
      "Roll",
      "Router",
      "TimeoutError",
      "WebSocketConnection",
      "attachWebSockets",
      "createRequestListener",
      "parsePath",
      "serve",
      "statusPhrase",
      "writeResponse",
    ]
  `)
})

test("'@roll/framework/testing' exports these values", () => {
  expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
    [
      "UpgradeRefused",
      "createClient",
      "createLiveClient",
    ]
  `)
})

test('the public types are exported', () => {
  expectTypeOf<Handler>().toBeFunction()
  expectTypeOf<PathParams<'/{a}'>>().toEqualTypeOf<{ a: string }>()
  expectTypeOf<RollEvents['startup']>().toBeFunction()
  expectTypeOf<ViewClass>().toBeConstructibleWith()
  expectTypeOf<[Body, CookieOptions, Headers, PathPart, RequestSource, ResponseSink, Route, RouteOptions]>().not.toBeNever()
  expectTypeOf<[RoutePayload, RouterLike<object>, RollOptions, Served, ServeOptions, UploadedFile]>().not.toBeNever()
  expectTypeOf<[Client, ClientResponse, FileSpec, LiveClient, RequestOptions]>().not.toBeNever()
})
