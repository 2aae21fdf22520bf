'use strict';
// The hooks of a describe whose tests start real Node-RED processes (test/guarantees): a fake
// provider, and a redis-server when asked, for the whole block; the processes a test pushed on
// `started` killed and their user directories removed after it, and the fake's record cleared.
const { startFakeProvider } = require('./fake-provider');
const { startRedis } = require('./redis-server');

/** `set(fake, redis)` receives what the block's tests use, once started. */
function useProcessHooks(started, set, { redis: withRedis = false } = {}) {
  let fake;
  let redis;
  before(async () => {
    fake = await startFakeProvider();
    if (withRedis) redis = await startRedis();
    set(fake, redis);
  });
  after(async () => {
    await fake.close();
    if (redis) await redis.stop();
  });
  afterEach(async () => {
    for (const nr of started.splice(0)) {
      await nr.kill();
      nr.remove();
    }
    fake.reset();
  });
}

module.exports = { useProcessHooks };
