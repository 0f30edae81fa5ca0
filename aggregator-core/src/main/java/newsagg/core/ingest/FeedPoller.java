package newsagg.core.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import newsagg.core.domain.Source;
import newsagg.core.ingest.FeedIngester.RefreshResult;
import newsagg.core.store.SourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background scheduler of ingestion. Every {@link Settings#tick() tick} it claims due sources
 * ({@link SourceStore#claimDue}, under a lease so that several pollers on one database never fetch a source twice)
 * and refreshes them with its {@link FeedIngester} on a fixed pool of worker threads. It claims only as many sources
 * as it has idle workers, and a worker that finishes claims again at once, so a backlog drains without waiting for
 * the next tick and one slow feed occupies one worker only. {@link #pollOnce()} does one such round synchronously.
 * {@link #close()} stops claiming, gives in-flight fetches {@link Settings#shutdownGrace()} to finish, then interrupts
 * them; a source whose fetch was cut off is not charged an error and becomes due again when its lease ends. All
 * threads are daemon threads named {@code feed-poller-*}. Thread-safe.
 */
public final class FeedPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeedPoller.class);

    /**
     * How the poller schedules.
     *
     * @param tick          how often due sources are looked for; sources come due at different times, so this is
     *                      normally shorter than the poll interval
     * @param workers       how many feeds are fetched at once
     * @param lease         how long a claimed source is reserved for this poller; must exceed the fetcher's total
     *                      timeout plus the time to store a feed
     * @param shutdownGrace how long {@link #close()} waits for in-flight fetches before interrupting them
     */
    public record Settings(Duration tick, int workers, Duration lease, Duration shutdownGrace) {

        /** The default number of workers. */
        static final int DEFAULT_WORKERS = 4;
        /** The default lease: well beyond the fetcher's default 30 s total timeout. */
        static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);
        /** The longest default tick. */
        static final Duration MAX_DEFAULT_TICK = Duration.ofSeconds(30);

        public Settings {
            requirePositive(tick, "tick");
            requirePositive(lease, "lease");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (shutdownGrace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, was " + shutdownGrace);
            }
            if (workers < 1 || workers > 256) {
                throw new IllegalArgumentException("workers must be between 1 and 256, was " + workers);
            }
        }

        /** A tick of {@code min(pollInterval, 30 s)}, 4 workers, a 10-minute lease and 10 s of shutdown grace. */
        public static Settings defaults(Duration pollInterval) {
            requirePositive(pollInterval, "pollInterval");
            Duration tick = pollInterval.compareTo(MAX_DEFAULT_TICK) < 0 ? pollInterval : MAX_DEFAULT_TICK;
            return new Settings(tick, DEFAULT_WORKERS, DEFAULT_LEASE, Duration.ofSeconds(10));
        }

        /** A copy with {@code workers} replaced. */
        public Settings withWorkers(int workers) {
            return new Settings(tick, workers, lease, shutdownGrace);
        }

        /** A copy with {@code tick} replaced. */
        Settings withTick(Duration tick) {
            return new Settings(tick, workers, lease, shutdownGrace);
        }

        private static void requirePositive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
        }
    }

    private final SourceStore sources;
    private final FeedIngester ingester;
    private final Clock clock;
    private final Settings settings;
    private final Semaphore idleWorkers;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService scheduler;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * A poller that claims due sources from {@code sources} and refreshes them with {@code ingester}; it does nothing
     * until {@link #start()}.
     *
     * @param sources  where due sources are claimed: the store {@code ingester} records outcomes in
     * @param ingester what refreshes one source
     * @param clock    what "due" is measured against: the clock {@code ingester} schedules with
     * @param settings how often to claim, and how many at once
     */
    public FeedPoller(SourceStore sources, FeedIngester ingester, Clock clock, Settings settings) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.ingester = Objects.requireNonNull(ingester, "ingester");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.idleWorkers = new Semaphore(settings.workers());
        this.workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("feed-poller-worker-"));
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("feed-poller-scheduler-"));
    }

    /** Starts claiming due sources every tick, beginning now. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("poller is closed");
        }
        if (started) {
            return;
        }
        started = true;
        scheduler.scheduleWithFixedDelay(this::tick, 0, settings.tick().toNanos(), TimeUnit.NANOSECONDS);
        LOG.info("feed poller started: {} workers, tick {}, lease {}", settings.workers(), settings.tick(),
                settings.lease());
    }

    /**
     * Refreshes every source that is due now, on the worker pool, and returns when all of them are done. Sources that
     * another poller holds are left to it. Usable with or without {@link #start()}.
     */
    PollSummary pollOnce() {
        Instant now = clock.instant();
        List<Future<RefreshResult>> futures = new ArrayList<>();
        try {
            while (!closed) {
                idleWorkers.acquire();
                if (closed) {
                    idleWorkers.release();
                    break;
                }
                int wanted = 1 + idleWorkers.drainPermits();
                int claimed = claimAndSubmit(now, wanted, futures);
                if (claimed < wanted) {
                    break;
                }
            }
            List<RefreshResult> results = new ArrayList<>(futures.size());
            for (Future<RefreshResult> f : futures) {
                results.add(f.get());
            }
            return PollSummary.of(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a refresh failed unexpectedly", e.getCause());
        }
    }

    /** Stops claiming, waits up to the shutdown grace for in-flight fetches, then interrupts them. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.info("feed poller: interrupting {} in-flight fetches", workers.getActiveCount());
                workers.shutdownNow();
                workers.awaitTermination(5, TimeUnit.SECONDS);
            }
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("feed poller stopped");
    }

    private void tick() {
        try {
            int wanted = idleWorkers.drainPermits();
            if (wanted > 0 && !closed) {
                claimAndSubmit(clock.instant(), wanted, null);
            } else {
                idleWorkers.release(wanted);
            }
        } catch (RuntimeException e) {
            // The next tick tries again; a scheduled task that throws would never run again.
            LOG.warn("feed poller: claiming due sources failed: {}", e.toString());
        }
    }

    /**
     * Claims up to {@code wanted} due sources, whose permits the caller holds, and hands each to a worker; permits not
     * used are given back. Returns how many were claimed.
     */
    private int claimAndSubmit(Instant now, int wanted, List<Future<RefreshResult>> futures) {
        List<Source> claimed;
        try {
            claimed = sources.claimDue(now, wanted, settings.lease());
        } catch (RuntimeException e) {
            idleWorkers.release(wanted);
            throw e;
        }
        idleWorkers.release(wanted - claimed.size());
        for (Source source : claimed) {
            try {
                Future<RefreshResult> f = workers.submit(() -> refresh(source));
                if (futures != null) {
                    futures.add(f);
                }
            } catch (RejectedExecutionException e) {
                // Closing: the source stays leased and becomes due again when the lease ends.
                idleWorkers.release();
            }
        }
        return claimed.size();
    }

    private RefreshResult refresh(Source source) {
        try {
            return ingester.refresh(source);
        } finally {
            idleWorkers.release();
            if (started && !closed) {
                try {
                    scheduler.execute(this::tick);
                } catch (RejectedExecutionException e) {
                    LOG.debug("feed poller closing; no further claims");
                }
            }
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * What one {@link FeedPoller#pollOnce()} did: how many sources it refreshed, how they came out, and how many
     * articles were inserted and updated in all.
     *
     * @param refreshed   sources refreshed
     * @param ok          refreshes that fetched and stored a feed
     * @param notModified refreshes answered with 304
     * @param errors      refreshes that failed
     * @param inserted    new articles stored
     * @param updated     stored articles that changed
     */
    record PollSummary(int refreshed, int ok, int notModified, int errors, int inserted, int updated) {

        /** Adds up refresh results. */
        static PollSummary of(List<RefreshResult> results) {
            int ok = 0;
            int notModified = 0;
            int errors = 0;
            int inserted = 0;
            int updated = 0;
            for (RefreshResult r : results) {
                switch (r.status()) {
                    case OK -> ok++;
                    case NOT_MODIFIED -> notModified++;
                    case ERROR -> errors++;
                }
                inserted += r.inserted();
                updated += r.updated();
            }
            return new PollSummary(results.size(), ok, notModified, errors, inserted, updated);
        }
    }
}
