// @roll/redis: the transport of Roll's pub/sub hub across machines, over Redis pub/sub.
export { redisTransport, type RedisTransportOptions, type TransportLogger } from './transport.js'
