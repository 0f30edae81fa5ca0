package newsagg.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import newsagg.cache.testing.Poll;

/**
 * N threads that call the cache at once. A loader under test calls {@link #holdUntilOthersWait()} so the
 * load stays open until every other caller has started and is waiting, which is what makes "exactly one
 * load" a real test of single-flight rather than of timing luck.
 */
final class Stampede<R> {

    private final int size;
    private final CountDownLatch started;
    private final List<Thread> workers = new ArrayList<>();
    private final ConcurrentLinkedQueue<R> results = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    Stampede(int size) {
        this.size = size;
        this.started = new CountDownLatch(size);
    }

    /** Runs {@code call(i)} on thread {@code i} for every i and waits for all of them. */
    Stampede<R> run(IntFunction<R> call) throws InterruptedException {
        for (int i = 0; i < size; i++) {
            int index = i;
            workers.add(new Thread(() -> {
                try {
                    started.countDown();
                    results.add(call.apply(index));
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join();
        }
        return this;
    }

    /**
     * Called from inside a loader: returns once every thread has started and all but the caller are
     * waiting, either parked on another caller's load in this process or sleeping between polls for
     * another process' lock.
     */
    void holdUntilOthersWait() {
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Poll.until(() -> waiting() == size - 1, Duration.ofSeconds(20));
    }

    List<R> results() {
        return List.copyOf(results);
    }

    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private int waiting() {
        int waiting = 0;
        for (Thread worker : workers) {
            Object blocker = LockSupport.getBlocker(worker);
            boolean onALoad = blocker != null && blocker.getClass().getEnclosingClass() == CompletableFuture.class;
            if (onALoad || worker.getState() == Thread.State.TIMED_WAITING) {
                waiting++;
            }
        }
        return waiting;
    }
}
