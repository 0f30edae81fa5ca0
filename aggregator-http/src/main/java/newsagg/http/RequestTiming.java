package newsagg.http;

import java.util.Set;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import newsagg.cache.CacheTimer;
import newsagg.core.timing.StageTimer;

/**
 * The one per-request stage recorder. The before-handler starts a monotonic clock; the core (SQL, through
 * {@link StageTimer}) and the cache (Redis, through {@link CacheTimer}) add their stage times to it with the same
 * {@link #add} method, neither knowing anything of HTTP; the after-handler sets {@code Server-Timing} and records the
 * total once, in {@link RouteLatencies}, which both {@code /debug/timings} and {@code /metrics} read. Every label
 * comes from a bounded set: known methods (any other is {@code OTHER}), route templates (or {@code unmatched}), and
 * the statuses the server itself answers with.
 *
 * <p>A request's handlers run on one thread, so a thread-local accumulator holds its stages. On a platform thread it
 * is reused from request to request; on a virtual thread (one per request) it is created with the thread, so each
 * request allocates it, its two small arrays and the thread's thread-local map, besides the {@code Server-Timing}
 * string itself: docs/PERFORMANCE.md ("The cost of timing every request") has the measured bytes.
 */
final class RequestTiming implements StageTimer, CacheTimer {

    static final String UNMATCHED_ROUTE = "unmatched";
    /** The label of every method outside {@link #KNOWN_METHODS}. */
    static final String OTHER_METHOD = "OTHER";
    /**
     * The methods that get a label of their own. Any other token is a valid method name to Jetty, and a label per
     * name a client makes up is a series that is never freed: a few thousand of them exhausted the heap.
     */
    static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT");

    private final RouteLatencies latencies;
    private final ThreadLocal<Stages> current = ThreadLocal.withInitial(Stages::new);

    RequestTiming(RouteLatencies latencies) {
        this.latencies = latencies;
    }

    void before(Context ctx) {
        current.get().begin(System.nanoTime());
    }

    void after(Context ctx) {
        Stages stages = current.get();
        if (!stages.active) {
            return;
        }
        long total = System.nanoTime() - stages.startedAt;
        stages.active = false;
        ctx.header("Server-Timing", stages.header(total));
        latencies.record(new RouteLatencies.Key(methodLabel(ctx.method().name()), route(ctx), ctx.statusCode()), total);
    }

    @Override
    public void add(String stage, long nanos) {
        Stages stages = current.get();
        if (stages.active) {
            stages.add(stage, nanos);
        }
    }

    private static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        return endpoint == null ? UNMATCHED_ROUTE : endpoint.path;
    }

    /** The method's metrics label: itself when it is a known method, else {@link #OTHER_METHOD}. */
    static String methodLabel(String method) {
        return KNOWN_METHODS.contains(method) ? method : OTHER_METHOD;
    }

    static String statusClass(int status) {
        return switch (status / 100) {
            case 1 -> "1xx";
            case 2 -> "2xx";
            case 3 -> "3xx";
            case 4 -> "4xx";
            default -> "5xx";
        };
    }

    /** One thread's current request: when it started and the time spent in each named stage. */
    static final class Stages {
        private static final int MAX_STAGES = 4;
        private final String[] names = new String[MAX_STAGES];
        private final long[] nanos = new long[MAX_STAGES];
        private int count;
        private long startedAt;
        private boolean active;

        void begin(long now) {
            startedAt = now;
            count = 0;
            active = true;
        }

        void add(String stage, long duration) {
            for (int i = 0; i < count; i++) {
                if (names[i].equals(stage)) {
                    nanos[i] += duration;
                    return;
                }
            }
            if (count < MAX_STAGES) {
                names[count] = stage;
                nanos[count] = duration;
                count++;
            }
        }

        String header(long total) {
            StringBuilder header = new StringBuilder(48);
            appendMetric(header, "total", total);
            for (int i = 0; i < count; i++) {
                header.append(", ");
                appendMetric(header, names[i], nanos[i]);
            }
            return header.toString();
        }

        private static void appendMetric(StringBuilder header, String name, long nanos) {
            long micros = nanos / 1_000;
            header.append(name).append(";dur=").append(micros / 1_000).append('.');
            long fraction = micros % 1_000;
            if (fraction < 100) {
                header.append('0');
            }
            if (fraction < 10) {
                header.append('0');
            }
            header.append(fraction);
        }
    }
}
