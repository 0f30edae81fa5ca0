package newsagg.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * At most one computation per key at a time in this process: a caller that finds one running for its key waits for
 * it and gets its value, or its exception, instead of computing again. Nothing is remembered once a computation
 * ends, so a failure is not cached. Thread-safe.
 */
public final class SingleFlight<K, V> {

    /** A computation's value, and whether this caller ran it ({@code led}) or waited for another's. */
    public record Result<V>(V value, boolean led) {
    }

    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    /** Runs {@code leader} unless a computation for {@code key} is already running, whose value is then taken. */
    public Result<V> run(K key, Supplier<V> leader) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return new Result<>(await(running), false);
        }
        try {
            V value = leader.get();
            mine.complete(value);
            return new Result<>(value, true);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private static <V> V await(CompletableFuture<V> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }
}
