// The built-in extensions: each a function that listens to the app's events.
export { simpleServer, type SimpleServerOptions } from './simple-server.js'
