// Tests start their own redis-server (see src/devtools/redis-server.ts) so they can kill and restart it.
export { RedisServer, freePort } from '../../src/devtools/redis-server.ts';
