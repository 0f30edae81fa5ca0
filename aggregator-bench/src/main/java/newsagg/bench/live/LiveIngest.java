package newsagg.bench.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;

/**
 * The live-ingestion driver of the load test (docs/LOADTEST.md, issue 13): a feed server on 127.0.0.1 whose RSS
 * feeds gain items, registered as sources through the admin API of server A, and one admin refresh per new item at
 * a fixed rate, so that articles are stored at that rate while wrk loads the server. For a sample of the stored
 * articles it measures how long each takes to show through every read endpoint on every probed server (newest
 * list, by_source, search for the article's marker word, the source's article_count in /api/sources, and the
 * source's count in a trending window that holds only live articles), and at the end (the duration, or SIGTERM)
 * writes a JSON summary.
 *
 * <p>Refreshes rather than the poller: the poller stores an item whenever its schedule claims the source, so neither
 * the rate nor the moment of storing would be known; a refresh answers once the article is committed, which is the
 * moment time-to-visible is measured from.
 */
public final class LiveIngest {

    /** Items a feed document lists, newest first; more than one refresh can fall behind at 10/s. */
    static final int ITEMS_PER_DOCUMENT = 50;
    static final Duration POLL_EVERY = Duration.ofMillis(20);
    /** Enough for 10 probes an article, one probed article a second, each polling for up to the 10 s timeout. */
    static final int PROBE_THREADS = 128;
    /**
     * The listings are read this deep: at 10 articles/s a probed article is pushed out of the newest 20 within 2 s,
     * which would make a slow answer look like an invisible article.
     */
    static final int LIST_DEPTH = 100;
    static final List<String> ENDPOINTS = List.of("newest", "by_source", "search", "sources", "trending");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Feed> feeds = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong stored = new AtomicLong();
    /** Failed refreshes by cause: the HTTP status, the refresh's own error text, or "io". */
    private final Map<String, AtomicLong> refreshFailures = new ConcurrentHashMap<>();
    private final List<Long> refreshNanos = new ArrayList<>();
    /** Time to visible in ms, by "endpoint@server". */
    private final Map<String, List<Double>> visible = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> notVisible = new ConcurrentHashMap<>();
    /** X-Cache of the first answer that showed the article, by "endpoint@server". */
    private final Map<String, Map<String, AtomicLong>> visibleVia = new ConcurrentHashMap<>();
    private final Random random = new Random(13);
    private final List<String> words;
    private final String session;
    private boolean trendingUsable = true;
    /** When ingestion started, after the sources were registered: the rate is measured from here. */
    private volatile long started;

    LiveIngest(Options options, List<String> words) {
        this.options = options;
        this.words = words;
        this.session = Markers.session(System.currentTimeMillis() / 1000);
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("live-ingest: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            new LiveIngest(options, newsWords()).run();
        } catch (java.net.BindException e) {
            System.err.println("live-ingest: cannot serve the feeds on 127.0.0.1:" + options.feedPort() + " (port in use)");
            status = 1;
        } catch (IllegalStateException e) {
            System.err.println("live-ingest: " + e.getMessage());
            status = 1;
        } catch (IOException e) {
            System.err.println("live-ingest: a request to " + options.ingestUrl() + " failed");
            status = 1;
        }
        // The HTTP client's and the feed server's threads would keep the JVM alive.
        System.exit(status);
    }

    void run() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", options.feedPort()), 64);
        ExecutorService feedThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(feedThreads);
        for (int k = 0; k < options.feeds(); k++) {
            Feed feed = new Feed(k, "http://127.0.0.1:" + options.feedPort() + "/live/feed-" + k + ".xml");
            feeds.add(feed);
            server.createContext("/live/feed-" + k + ".xml", exchange -> {
                byte[] body = feed.document().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/rss+xml; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
        }
        server.start();
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            main.interrupt();
            try {
                done.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            registerSources();
            started = System.nanoTime();
            if (options.rate() > 0) {
                ingest();
            }
        } finally {
            double seconds = started == 0 ? 0 : (System.nanoTime() - started) / 1e9;
            server.stop(0);
            feedThreads.shutdownNow();
            writeSummary(seconds);
            done.countDown();
        }
    }

    /** Creates each feed's source unless a source with its URL exists, and reads its counts before the run. */
    private void registerSources() throws IOException, InterruptedException {
        Map<String, Long> existing = new LinkedHashMap<>();
        for (JsonNode s : getJson(options.ingestUrl() + "/api/sources").path("items")) {
            existing.put(s.path("feed_url").asText(), s.path("id").asLong());
        }
        for (Feed feed : feeds) {
            Long id = existing.get(feed.url);
            if (id == null) {
                HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(options.ingestUrl() + "/api/sources"))
                        .header("Authorization", "Bearer " + options.adminToken())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                                Map.of("feed_url", feed.url, "title", "live feed " + feed.index)))).build());
                if (created.statusCode() != 201) {
                    throw new IllegalStateException("creating the source of " + feed.url + " answered "
                            + created.statusCode() + " (is FEEDS_ALLOW_PRIVATE_NETWORKS=true and ADMIN_TOKEN set?)");
                }
                id = JSON.readTree(created.body()).path("id").asLong();
            }
            feed.sourceId = id;
        }
        Map<Long, Long> counts = new LinkedHashMap<>();
        for (JsonNode s : getJson(options.ingestUrl() + "/api/sources").path("items")) {
            counts.put(s.path("id").asLong(), s.path("article_count").asLong());
        }
        Map<Long, Long> trending = new LinkedHashMap<>();
        for (JsonNode s : getJson(trendingPath(options.ingestUrl())).path("sources")) {
            trending.put(s.path("source_id").asLong(), s.path("count").asLong());
        }
        for (Feed feed : feeds) {
            feed.articleCount = counts.getOrDefault(feed.sourceId, 0L);
            feed.trendingCount = trending.getOrDefault(feed.sourceId, 0L);
            trending.remove(feed.sourceId);
        }
        // Only a window that holds no other source's articles shows every live source whatever its count.
        if (!trending.isEmpty()) {
            trendingUsable = false;
            System.err.println("live-ingest: the trending window of " + options.trendingHours()
                    + " h holds other sources' articles; trending visibility is not measured (seed the corpus with --now"
                    + " at least that long ago)");
        }
    }

    private void ingest() throws InterruptedException {
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        // A thread per probe, so that no probe waits for another's poll: that wait would count as time to visible.
        ExecutorService probes = Executors.newFixedThreadPool(PROBE_THREADS);
        List<ExecutorService> refreshers = new ArrayList<>();
        for (int k = 0; k < feeds.size(); k++) {
            refreshers.add(Executors.newSingleThreadExecutor());
        }
        AtomicLong tick = new AtomicLong();
        long periodNanos = (long) (1e9 / options.rate());
        ticks.scheduleAtFixedRate(() -> {
            long n = tick.getAndIncrement();
            Feed feed = feeds.get((int) (n % feeds.size()));
            Item item = feed.add(n, Markers.marker(session, n), randomWords(), n % options.probeEvery() == 0);
            refreshers.get(feed.index).execute(() -> refresh(feed, item.probe ? item : null, probes));
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        long deadline = System.nanoTime() + options.duration().toNanos();
        try {
            while (!stopping.get() && System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            // SIGTERM: stop ingesting and write what was measured.
        }
        stopping.set(true);
        ticks.shutdownNow();
        for (ExecutorService r : refreshers) {
            r.shutdownNow();
        }
        probes.shutdownNow();
        Thread.interrupted();
        for (ExecutorService r : refreshers) {
            r.awaitTermination(5, TimeUnit.SECONDS);
        }
        probes.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** One admin refresh of the feed; then, for a sampled item, a probe per endpoint and server. */
    private void refresh(Feed feed, Item probed, ExecutorService probes) {
        if (stopping.get()) {
            return;
        }
        try {
            if (probed != null) {
                // A cached "nothing" for the marker on every server, so the probe sees the cache bring it up to date.
                for (String server : options.probeUrls()) {
                    send(get(server + "/api/search?limit=20&q=" + probed.marker));
                }
            }
            long start = System.nanoTime();
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                            URI.create(options.ingestUrl() + "/api/sources/" + feed.sourceId + "/refresh"))
                    .header("Authorization", "Bearer " + options.adminToken())
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            long storedAt = System.nanoTime();
            JsonNode result = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
            long inserted = result == null ? 0 : result.path("new").asLong();
            if (result == null || "error".equals(result.path("status").asText())) {
                failed(result == null ? "http " + response.statusCode() : result.path("error").asText("error"));
                return;
            }
            synchronized (refreshNanos) {
                refreshNanos.add(storedAt - start);
            }
            stored.addAndGet(inserted);
            feed.articleCount += inserted;
            feed.trendingCount += inserted;
            if (probed != null && inserted > 0) {
                long count = feed.articleCount;
                long trendingCount = feed.trendingCount;
                for (String server : options.probeUrls()) {
                    String name = serverName(server);
                    probe(probes, "newest@" + name, storedAt, server + "/api/articles?limit=" + LIST_DEPTH, body -> titled(body.path("items"), probed.marker));
                    probe(probes, "by_source@" + name, storedAt, server + "/api/articles?limit=" + LIST_DEPTH + "&source=" + feed.sourceId,
                            body -> titled(body.path("items"), probed.marker));
                    probe(probes, "search@" + name, storedAt, server + "/api/search?limit=20&q=" + probed.marker,
                            body -> titled(body.path("items"), probed.marker));
                    probe(probes, "sources@" + name, storedAt, server + "/api/sources",
                            body -> counted(body.path("items"), "id", feed.sourceId, "article_count", count));
                    if (trendingUsable) {
                        probe(probes, "trending@" + name, storedAt, trendingPath(server),
                                body -> counted(body.path("sources"), "source_id", feed.sourceId, "count", trendingCount));
                    }
                }
            }
        } catch (IOException e) {
            failed("io");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(String cause) {
        if (!stopping.get()) {
            refreshFailures.computeIfAbsent(cause, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private void probe(ExecutorService probes, String key, long storedAt, String url, Predicate<JsonNode> shows) {
        probes.execute(() -> {
            long deadline = storedAt + options.visibilityTimeout().toNanos();
            try {
                while (System.nanoTime() < deadline && !stopping.get()) {
                    HttpResponse<String> response = send(get(url));
                    if (response.statusCode() == 200 && shows.test(JSON.readTree(response.body()))) {
                        double ms = (System.nanoTime() - storedAt) / 1e6;
                        visible.computeIfAbsent(key, k -> new ArrayList<>());
                        synchronized (visible.get(key)) {
                            visible.get(key).add(ms);
                        }
                        String via = response.headers().firstValue("X-Cache").orElse("none");
                        visibleVia.computeIfAbsent(key, k -> new ConcurrentHashMap<>())
                                .computeIfAbsent(via, k -> new AtomicLong()).incrementAndGet();
                        return;
                    }
                    Thread.sleep(POLL_EVERY.toMillis());
                }
                if (!stopping.get()) {
                    notVisible.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                }
            } catch (IOException e) {
                notVisible.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    static boolean titled(JsonNode items, String marker) {
        for (JsonNode item : items) {
            if (item.path("title").asText().contains(marker)) {
                return true;
            }
        }
        return false;
    }

    static boolean counted(JsonNode items, String idField, long id, String countField, long atLeast) {
        for (JsonNode item : items) {
            if (item.path(idField).asLong() == id) {
                return item.path(countField).asLong() >= atLeast;
            }
        }
        return false;
    }

    private String trendingPath(String server) {
        return server + "/api/trending?hours=" + options.trendingHours() + "&limit=100";
    }

    private static String serverName(String url) {
        return url.substring(url.lastIndexOf(':') + 1);
    }

    private List<String> randomWords() {
        int n = 4 + random.nextInt(5);
        List<String> picked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // Zipf-like: the square of a uniform number favours the head of the frequency-ordered list.
            double u = random.nextDouble();
            picked.add(words.get((int) (u * u * Math.min(words.size(), 200))));
        }
        return picked;
    }

    private void writeSummary(double seconds) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate_target", options.rate());
        out.put("seconds", Math.round(seconds * 10) / 10.0);
        out.put("stored", stored.get());
        out.put("rate_achieved", seconds > 0 ? Math.round(stored.get() / seconds * 100) / 100.0 : 0);
        out.put("refresh_failures", refreshFailures.values().stream().mapToLong(AtomicLong::get).sum());
        Map<String, Long> causes = new LinkedHashMap<>();
        refreshFailures.forEach((k, v) -> causes.put(k, v.get()));
        out.put("refresh_failure_causes", causes);
        double[] refresh;
        synchronized (refreshNanos) {
            refresh = refreshNanos.stream().mapToDouble(n -> n / 1e6).toArray();
        }
        out.put("refresh_ms", Stats.of(refresh));
        out.put("feeds", feeds.size());
        out.put("probe_every", options.probeEvery());
        out.put("trending_hours", trendingUsable ? options.trendingHours() : null);
        Map<String, Object> byEndpoint = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (String endpoint : ENDPOINTS) {
            for (String server : options.probeUrls()) {
                keys.add(endpoint + "@" + serverName(server));
            }
        }
        for (String key : keys) {
            List<Double> times = visible.getOrDefault(key, List.of());
            double[] ms;
            synchronized (times) {
                ms = times.stream().mapToDouble(Double::doubleValue).toArray();
            }
            Map<String, Object> row = new LinkedHashMap<>(Stats.of(ms));
            row.put("not_visible", notVisible.getOrDefault(key, new AtomicLong()).get());
            // The raw times too, so that live.sh can take percentiles over every round of a rate.
            row.put("samples", ms);
            Map<String, Long> via = new LinkedHashMap<>();
            visibleVia.getOrDefault(key, Map.of()).forEach((k, v) -> via.put(k, v.get()));
            row.put("x_cache", via);
            byEndpoint.put(key, row);
        }
        out.put("visible_ms", byEndpoint);
        byte[] bytes = JSON.writeValueAsBytes(out);
        if (options.out() == null) {
            System.out.write(bytes);
            System.out.println();
        } else {
            Files.write(options.out(), bytes);
        }
    }

    private HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
    }

    private JsonNode getJson(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = send(get(url));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> newsWords() throws IOException {
        try (InputStream in = LiveIngest.class.getResourceAsStream("/newsagg/seed/news-words.txt")) {
            if (in == null) {
                return List.of("said", "new", "year", "people", "government", "state", "time", "police", "report");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(w -> w.matches("[a-z]{2,30}")).toList();
        }
    }

    /** One feed of the feed server: its items, newest last, guarded by the feed itself. */
    static final class Feed {
        final int index;
        final String url;
        private final List<Item> items = new ArrayList<>();
        long sourceId;
        /** What /api/sources and the trending window must count once the last refresh is visible. */
        long articleCount;
        long trendingCount;

        Feed(int index, String url) {
            this.index = index;
            this.url = url;
        }

        synchronized Item add(long n, String marker, List<String> words, boolean probe) {
            Item item = new Item(n, marker, Instant.now(), words, probe);
            items.add(item);
            if (items.size() > ITEMS_PER_DOCUMENT) {
                items.remove(0);
            }
            return item;
        }

        synchronized String document() {
            StringBuilder xml = new StringBuilder(4096).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                    .append("<rss version=\"2.0\"><channel><title>live feed ").append(index)
                    .append("</title><link>").append(url).append("</link><description>items that keep coming</description>\n");
            for (int i = items.size() - 1; i >= 0; i--) {
                items.get(i).appendTo(xml, url);
            }
            return xml.append("</channel></rss>\n").toString();
        }
    }

    /** A feed item: the marker word makes it findable, the news words make it match the load's searches. */
    record Item(long n, String marker, Instant published, List<String> words, boolean probe) {
        void appendTo(StringBuilder xml, String feedUrl) {
            String text = String.join(" ", words);
            xml.append("<item><title>").append(marker).append(' ').append(text).append("</title><link>")
                    .append(feedUrl, 0, feedUrl.length() - 4).append("/item/").append(marker).append("</link><guid>")
                    .append(marker).append("</guid><pubDate>").append(RFC_1123.format(published))
                    .append("</pubDate><description>").append(text).append(", reported ").append(marker)
                    .append("</description></item>\n");
        }
    }

    /** Unique marker words: letters only, so every text search configuration keeps them one token. */
    static final class Markers {
        private Markers() {
        }

        /** Differs between runs started in different seconds. */
        static String session(long epochSeconds) {
            return letters(epochSeconds % (26L * 26 * 26 * 26 * 26 * 26), 6);
        }

        static String marker(String session, long n) {
            return "zlv" + session + letters(n, 5);
        }

        static String letters(long value, int width) {
            char[] out = new char[width];
            long v = value;
            for (int i = width - 1; i >= 0; i--) {
                out[i] = (char) ('a' + v % 26);
                v /= 26;
            }
            if (v != 0) {
                throw new IllegalArgumentException(value + " does not fit in " + width + " letters");
            }
            return new String(out);
        }
    }

    /** Nearest-rank percentiles of a sample, in the sample's unit. */
    static final class Stats {
        private Stats() {
        }

        static Map<String, Object> of(double[] sample) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("n", sample.length);
            if (sample.length == 0) {
                return out;
            }
            double[] sorted = sample.clone();
            Arrays.sort(sorted);
            out.put("p50", round(percentile(sorted, 50)));
            out.put("p99", round(percentile(sorted, 99)));
            out.put("max", round(sorted[sorted.length - 1]));
            return out;
        }

        /** The smallest value with at least {@code p} percent of the sample at or below it. */
        static double percentile(double[] sorted, double p) {
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
        }

        private static double round(double v) {
            return Math.round(v * 10) / 10.0;
        }
    }

    /** The command line. */
    record Options(String ingestUrl, List<String> probeUrls, String adminToken, double rate, Duration duration,
                   int feeds, int feedPort, int probeEvery, int trendingHours, Duration visibilityTimeout, Path out) {

        static final String USAGE = """
                usage: LiveIngest --ingest URL --admin-token T [--probe URL,URL|none] [--rate PER_S] [--duration 60s]
                                  [--feeds 4] [--feed-port 19050] [--probe-every N] [--trending-hours 3]
                                  [--visibility-timeout 10s] [--out FILE]
                --rate 0 registers the sources and stores nothing. URLs must be http://127.0.0.1:PORT.""";

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
                }
                values.put(args[i].substring(2), args[++i]);
            }
            String ingest = loopback(required(values, "ingest"));
            String probe = values.getOrDefault("probe", ingest);
            List<String> probes = probe.equals("none") ? List.of() : Arrays.stream(probe.split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).map(Options::loopback).toList();
            double rate = number(values.getOrDefault("rate", "1"), "rate", 0, 100);
            Options options = new Options(ingest, probes, required(values, "admin-token"), rate,
                    duration(values.getOrDefault("duration", "60s"), "duration"),
                    (int) number(values.getOrDefault("feeds", "4"), "feeds", 1, 100),
                    (int) number(values.getOrDefault("feed-port", "19050"), "feed-port", 1024, 65535),
                    (int) number(values.getOrDefault("probe-every", rate > 1 ? String.valueOf((int) Math.ceil(rate)) : "1"),
                            "probe-every", 1, 1000),
                    (int) number(values.getOrDefault("trending-hours", "3"), "trending-hours", 1, 720),
                    duration(values.getOrDefault("visibility-timeout", "10s"), "visibility-timeout"),
                    values.containsKey("out") ? Path.of(values.get("out")) : null);
            values.keySet().removeAll(List.of("ingest", "probe", "admin-token", "rate", "duration", "feeds",
                    "feed-port", "probe-every", "trending-hours", "visibility-timeout", "out"));
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown option --" + values.keySet().iterator().next());
            }
            return options;
        }

        private static String required(Map<String, String> values, String name) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return value;
        }

        /** Load and probes go to this machine's loopback interface only. */
        static String loopback(String url) {
            if (!url.matches("http://127\\.0\\.0\\.1:[0-9]{2,5}")) {
                throw new IllegalArgumentException("only http://127.0.0.1:PORT is accepted, got " + url);
            }
            return url;
        }

        static double number(String raw, String name, double min, double max) {
            try {
                double v = Double.parseDouble(raw);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--" + name + " must be a number from " + min + " to " + max + ", got " + raw);
        }

        /** {@code 20s}, {@code 5m} or {@code 500ms}, up to 3 hours. */
        static Duration duration(String raw, String name) {
            var m = java.util.regex.Pattern.compile("([0-9]{1,6})(ms|s|m)").matcher(raw.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long v = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(v);
                    case "s" -> Duration.ofSeconds(v);
                    default -> Duration.ofMinutes(v);
                };
                if (!d.isZero() && d.compareTo(Duration.ofHours(3)) <= 0) {
                    return d;
                }
            }
            throw new IllegalArgumentException("--" + name + " must be like 20s, 5m or 500ms (at most 3 h), got " + raw);
        }
    }
}
