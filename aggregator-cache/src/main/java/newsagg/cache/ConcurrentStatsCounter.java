package newsagg.cache;

import java.util.concurrent.atomic.LongAdder;

/** The counting {@link StatsCounter}: one {@link LongAdder} per counter, so concurrent lookups do not contend. */
final class ConcurrentStatsCounter implements StatsCounter {

    private final LongAdder hits = new LongAdder();
    private final LongAdder nearHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private final LongAdder invalidations = new LongAdder();

    @Override
    public void recordHit(boolean near) {
        hits.increment();
        if (near) {
            nearHits.increment();
        }
    }

    @Override
    public void recordMiss() {
        misses.increment();
    }

    @Override
    public void recordLoadSuccess(long nanos) {
        loads.increment();
        loadNanos.add(nanos);
    }

    @Override
    public void recordLoadFailure(long nanos) {
        loads.increment();
        loadFailures.increment();
        loadNanos.add(nanos);
    }

    @Override
    public void recordBypass() {
        bypasses.increment();
    }

    @Override
    public void recordRedisError() {
        redisErrors.increment();
    }

    @Override
    public void recordInvalidation() {
        invalidations.increment();
    }

    @Override
    public CacheStats snapshot(String name) {
        return new CacheStats(name, hits.sum(), nearHits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
                redisErrors.sum(), bypasses.sum(), invalidations.sum(), loadNanos.sum());
    }
}
