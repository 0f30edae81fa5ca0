package newsagg.http;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import newsagg.cache.CacheKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of stale-while-revalidate (RFC 5861): the refreshes of answers that were served while behind run
 * here, off the request threads, on a small pool of their own, at most one per key at a time. When the pool is busy
 * a refresh is dropped rather than queued without bound: the answer then stays behind, and once it is behind for
 * longer than the staleness bound the next request refreshes it itself ({@link ResponseCaches}). What happened to
 * each refresh asked for is counted by the key's cache ({@link #counts()}), so that dropped refreshes show in
 * {@code /metrics} instead of only as requests that waited.
 */
final class Revalidations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Revalidations.class);

    /** What became of a refresh asked for: the label values of {@code newsagg_cache_revalidations_total}. */
    enum Outcome {
        /** Run to its end. */
        DONE,
        /** Not started: one for the same key was already pending. */
        COALESCED,
        /** Not started: the pool and its queue were full. */
        DROPPED,
        /** Started, and it threw. */
        FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Set<CacheKey> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder[]> counts = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;

    Revalidations(int threads, int queued) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued), r -> {
            Thread thread = new Thread(r, "newsagg-revalidate-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code refresh} in the background unless one for {@code key} is already pending. */
    void submit(CacheKey key, Runnable refresh) {
        if (!pending.add(key)) {
            count(key, Outcome.COALESCED);
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    refresh.run();
                    count(key, Outcome.DONE);
                } catch (RuntimeException e) {
                    // The answer stays behind; a request past the staleness bound refreshes it and sees the failure.
                    count(key, Outcome.FAILED);
                    LOG.debug("background refresh failed: {}", e.getClass().getSimpleName());
                } finally {
                    pending.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            pending.remove(key);
            count(key, Outcome.DROPPED);
        }
    }

    private void count(CacheKey key, Outcome outcome) {
        counts.computeIfAbsent(key.cache(), cache -> {
            LongAdder[] adders = new LongAdder[Outcome.values().length];
            for (int i = 0; i < adders.length; i++) {
                adders[i] = new LongAdder();
            }
            return adders;
        })[outcome.ordinal()].increment();
    }

    /** Refreshes asked for since start, by cache name and outcome; a cache appears once one was asked for. */
    Map<String, Map<Outcome, Long>> counts() {
        Map<String, Map<Outcome, Long>> all = new TreeMap<>();
        counts.forEach((cache, adders) -> {
            Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, adders[outcome.ordinal()].sum());
            }
            all.put(cache, byOutcome);
        });
        return all;
    }

    /** Refreshes still pending are dropped; one running is interrupted and given a second to end. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
