/**
 * The newsagg cache: {@code Cached<T>}, canonical cache keys, generations, counters and a circuit breaker over
 * Jedis. No web, no SQL, no news types.
 */
module newsagg.cache {
    // In the API: RedisEndpoint hands out Jedis's JedisClientConfig and HostAndPort.
    requires transitive redis.clients.jedis;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports newsagg.cache;
}
