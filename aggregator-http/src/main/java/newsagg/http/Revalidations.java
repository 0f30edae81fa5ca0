package newsagg.http;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import newsagg.cache.CacheKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of stale-while-revalidate (RFC 5861): the refreshes of answers that were served while behind run
 * here, off the request threads, on a small pool of their own, at most one per key at a time. When the pool is busy
 * a refresh is dropped rather than queued without bound: the answer then stays behind, and once it is behind for
 * longer than the staleness bound the next request refreshes it itself ({@link ResponseCaches}).
 */
final class Revalidations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Revalidations.class);

    private final Set<CacheKey> pending = ConcurrentHashMap.newKeySet();
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
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    refresh.run();
                } catch (RuntimeException e) {
                    // The answer stays behind; a request past the staleness bound refreshes it and sees the failure.
                    LOG.debug("background refresh failed: {}", e.getClass().getSimpleName());
                } finally {
                    pending.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            pending.remove(key);
        }
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
