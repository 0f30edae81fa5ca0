package newsagg.cache;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One loader per key across processes: a Redis lock ({@code SET NX PX} with a random token, released only while it
 * still holds that token) next to the entry. The holder loads while the others poll the entry for its value. A
 * process that cannot get the lock retries it between polls (the holder may have failed) and, once its wait is used
 * up, loads by itself: a stuck holder delays requests by at most the wait, never fails them. Redis trouble ends the
 * wait at once, and the caller loads by itself.
 */
final class CrossProcessLock {

    /** Appended to an entry's key to name its lock. */
    static final String SUFFIX = ":lock";

    private final RedisStore store;
    private final StatsCounter stats;
    private final long ttlMillis;
    private final long pollMillis;
    private final int polls;

    /** {@code ttl} must exceed a normal load, so that the lock does not expire under it. */
    CrossProcessLock(RedisStore store, StatsCounter stats, Duration ttl, Duration maxWait) {
        this.store = store;
        this.stats = stats;
        this.ttlMillis = ttl.toMillis();
        long wait = maxWait.toMillis();
        this.pollMillis = Math.max(1, Math.min(20, wait / 20));
        this.polls = (int) Math.max(1, wait / pollMillis);
    }

    /**
     * The value of the entry at {@code entryKey}: what {@code peek} finds there (null when there is no usable value),
     * or what {@code load} loads and stores, run by one process at a time while the lock holds.
     */
    <T> T load(String entryKey, Supplier<T> peek, Supplier<T> load, Stopwatch watch) {
        String lockKey = entryKey + SUFFIX;
        String token = token();
        for (int attempt = 0; ; attempt++) {
            boolean locked;
            try {
                locked = store.tryLock(lockKey, token, ttlMillis, watch);
            } catch (CacheUnavailableException e) {
                stats.recordRedisFailure(e);
                break;
            }
            if (locked) {
                return loadHolding(lockKey, token, peek, load, watch);
            }
            if (attempt >= polls || !pause(pollMillis)) {
                break;
            }
            T value = peek.get();
            if (value != null) {
                return value;
            }
        }
        return load.get();
    }

    private <T> T loadHolding(String lockKey, String token, Supplier<T> peek, Supplier<T> load, Stopwatch watch) {
        try {
            // Another process may have stored the value between our miss and our lock.
            T already = peek.get();
            return already != null ? already : load.get();
        } finally {
            try {
                store.unlock(lockKey, token, watch);
            } catch (CacheUnavailableException e) {
                stats.recordRedisFailure(e);
            }
        }
    }

    String describe() {
        return ttlMillis + "ms";
    }

    private static String token() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // Zero-padded: Long.toHexString drops leading zeros, so about one token in eight came out shorter.
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    /** Sleeps on the waiting request's thread; false when interrupted, which ends the wait. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
