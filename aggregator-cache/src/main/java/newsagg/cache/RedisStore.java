package newsagg.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.SetParams;

/**
 * The few Redis commands the cache uses, each behind the circuit breaker. Every failure becomes a
 * {@link CacheUnavailableException}; nothing of the Redis client leaks to callers.
 */
final class RedisStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

    // Deletes the lock only while it still holds our token, so a lock that expired and was taken by
    // another process is never released by us.
    private static final String RELEASE_LOCK =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    // A missing counter starts again from a seed (a time in microseconds) instead of 0, so that no value it held
    // before it was evicted or lost with a restart can come back.
    private static final String GET_OR_SEED =
            "local v = redis.call('GET', KEYS[1]) if v then return v end redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1]";
    private static final String INCR_SEEDED =
            "if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end "
                    + "return redis.call('INCR', KEYS[1])";

    private final RedisClient client;
    private final CircuitBreaker breaker;

    RedisStore(RedisClient client, CircuitBreaker breaker) {
        this.client = client;
        this.breaker = breaker;
    }

    byte[] get(byte[] key, Stopwatch watch) {
        return call(watch, c -> c.get(key));
    }

    void set(byte[] key, byte[] value, long ttlMillis, Stopwatch watch) {
        call(watch, c -> c.set(key, value, SetParams.setParams().px(ttlMillis)));
    }

    /** {@code SET key token NX PX ttl}: true when this caller now holds the lock. */
    boolean tryLock(String key, String token, long ttlMillis, Stopwatch watch) {
        return "OK".equals(call(watch, c -> c.set(key, token, SetParams.setParams().nx().px(ttlMillis))));
    }

    void unlock(String key, String token, Stopwatch watch) {
        call(watch, c -> c.eval(RELEASE_LOCK, List.of(key), List.of(token)));
    }

    /** The number stored at {@code key}; when there is none, {@code seed}, which is then stored. */
    long getOrSeed(String key, long seed, Stopwatch watch) {
        Object value = call(watch, c -> c.eval(GET_OR_SEED, List.of(key), List.of(Long.toString(seed))));
        return Long.parseLong(value.toString());
    }

    /** INCR, starting from {@code seed} instead of 0 when {@code key} is missing. */
    long incrSeeded(String key, long seed, Stopwatch watch) {
        return ((Number) call(watch, c -> c.eval(INCR_SEEDED, List.of(key), List.of(Long.toString(seed))))).longValue();
    }

    /** Runs {@code command} behind the breaker; its time, including any wait for a pooled connection, goes to {@code watch}. */
    private <R> R call(Stopwatch watch, Function<RedisClient, R> command) {
        if (!breaker.tryAcquire()) {
            throw new CacheUnavailableException("Redis skipped: circuit breaker open", true, null);
        }
        R result;
        long started = watch.start();
        try {
            result = command.apply(client);
        } catch (RuntimeException e) {
            watch.stop(started);
            CircuitBreaker.State before = breaker.state();
            breaker.onFailure();
            if (e instanceof JedisConnectionException) {
                dropIdleConnections();
            }
            if (before == CircuitBreaker.State.CLOSED && breaker.state() == CircuitBreaker.State.OPEN) {
                LOG.warn("Redis unavailable, cache bypassed for a cool-down: {}", e.toString());
            }
            throw new CacheUnavailableException("Redis command failed: " + e.getMessage(), false, e);
        }
        watch.stop(started);
        if (breaker.state() != CircuitBreaker.State.CLOSED) {
            LOG.info("Redis reachable again, cache back in use");
        }
        breaker.onSuccess();
        return result;
    }

    /**
     * After a connection failure the other idle connections are most likely dead too (Redis restarted);
     * dropping them keeps each of them from failing one request and tripping the breaker again.
     */
    private void dropIdleConnections() {
        try {
            client.getPool().clear();
        } catch (RuntimeException e) {
            LOG.debug("could not clear the Redis pool: {}", e.toString());
        }
    }

    RedisPoolStats poolStats() {
        var pool = client.getPool();
        return new RedisPoolStats(pool.getNumActive(), pool.getNumIdle(), pool.getNumWaiters());
    }

    static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    void close() {
        client.close();
    }
}
