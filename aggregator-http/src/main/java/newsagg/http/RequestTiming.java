package newsagg.http;

import java.util.Set;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import newsagg.core.timing.StageTimer;

/**
 * Times every request with a monotonic clock: the before-handler starts the clock, the core adds stage times
 * (SQL, later cache) through {@link StageTimer}, and the after-handler records the total per route template and
 * status, and sets {@code Server-Timing}. Every label comes from a bounded set: known methods (any other is
 * {@code OTHER}), route templates (or {@code unmatched}), and the statuses the server itself answers with.
 * Handlers run on one thread per request, so each thread's accumulator holds the current request's stages; it is
 * reused, so timing allocates almost nothing.
 */
final class RequestTiming implements StageTimer {

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
    private final Metrics metrics;
    private final ThreadLocal<Stages> current = ThreadLocal.withInitial(Stages::new);

    RequestTiming(RouteLatencies latencies, Metrics metrics) {
        this.latencies = latencies;
        this.metrics = metrics;
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
        int status = ctx.statusCode();
        String method = methodLabel(ctx.method().name());
        String route = route(ctx);
        ctx.header("Server-Timing", stages.header(total));
        latencies.record(new RouteLatencies.Key(method, route, statusClass(status)), total);
        metrics.observe(method, route, status, total);
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
    private static final class Stages {
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
