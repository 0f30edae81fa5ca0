package newsagg.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidation by generation: each scope (such as {@code articles}) has a counter in Redis at
 * {@code <namespace>:v2:gen:<scope>}, every cache key embeds the current value, and {@link #bump} INCRs it,
 * which makes every older key unreachable at once (the entries then expire by their TTL; nothing scans). A counter
 * that is missing (never set, evicted, or lost when Redis restarted without persistence) starts again from the
 * current time in microseconds, never from 0, so a value it held before cannot come back and make the entries
 * written under it reachable again, whatever Redis's eviction policy.
 * Reading the counter on every request would cost a Redis round trip, so each process keeps the value it
 * read for at most {@code staleness}; a bump made through this instance is visible to it immediately.
 */
public final class Generations {

    private static final Logger LOG = LoggerFactory.getLogger(Generations.class);

    private final RedisStore store;
    private final String namespace;
    private final long stalenessNanos;
    private final Ticker ticker;
    private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();
    private final LongAdder bumps = new LongAdder();

    private record Seen(long generation, long readAt) {
    }

    Generations(RedisStore store, String namespace, Duration staleness, Ticker ticker) {
        this.store = store;
        this.namespace = namespace;
        this.stalenessNanos = staleness.toNanos();
        this.ticker = ticker;
    }

    /**
     * The current generation of {@code scope}, at most {@code staleness} old; 0 when the cache is disabled.
     *
     * @throws CacheUnavailableException when it has to be read and Redis cannot be used
     */
    public long current(String scope) {
        return current(scope, new Stopwatch(ticker));
    }

    /** As {@link #current(String)}, the time of a Redis read going to {@code watch}. */
    long current(String scope, Stopwatch watch) {
        if (store == null) {
            return 0;
        }
        Seen last = seen.get(scope);
        long now = ticker.read();
        if (last != null && now - last.readAt < stalenessNanos) {
            return last.generation;
        }
        long generation = store.getOrSeed(key(scope), seed(), watch);
        remember(scope, new Seen(generation, now));
        return generation;
    }

    /**
     * Makes every cached entry of {@code scope} unreachable. Never throws: when Redis cannot be reached the
     * bump is lost, logged and counted, and entries written before it live until their TTL.
     */
    public void bump(String scope) {
        CacheKey.requireIdentifier("scope", scope);
        if (store == null) {
            return;
        }
        try {
            long generation = store.incrSeeded(key(scope), seed(), new Stopwatch(ticker));
            remember(scope, new Seen(generation, ticker.read()));
            bumps.increment();
        } catch (CacheUnavailableException e) {
            LOG.warn("cache invalidation of scope {} lost: {}", scope, e.getMessage());
        }
    }

    /** Bumps this instance has made. */
    public long bumps() {
        return bumps.sum();
    }

    // A read that started before a bump may finish after it; the later observation wins.
    private void remember(String scope, Seen observed) {
        seen.merge(scope, observed, (old, now) -> now.readAt - old.readAt >= 0 ? now : old);
    }

    /** Above every value a counter that started from an earlier seed can have reached (one bump per microsecond). */
    private static long seed() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    String key(String scope) {
        return namespace + ':' + CacheKey.FORMAT_VERSION + ":gen:" + scope;
    }
}
