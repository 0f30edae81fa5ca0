package newsagg.cache;

/**
 * A snapshot of the Redis connection pool, for metrics: connections lent out, connections idle in the pool, and
 * threads waiting for one. All zero when the cache is disabled.
 */
public record RedisPoolStats(int active, int idle, int waiting) {

    static final RedisPoolStats NONE = new RedisPoolStats(0, 0, 0);
}
