package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import newsagg.cache.testing.RedisServerProcess;
import newsagg.cache.testing.TestRedisServer;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Property: whatever a client sends to any endpoint (hostile path and query parameters, random bodies and content
 * types, with, without or with a wrong token, odd methods), the answer is a 2xx or a 4xx, every 4xx is problem
 * JSON, and the server is still ready afterwards. Run once without the cache and once with it on, against a
 * private {@code redis-server} ({@link RedisServerProcess}), so that hostile parameters reach cache keys: no key may then fall outside the
 * namespace or grow past {@link #MAX_KEY_LENGTH}. Inputs come from a seeded generator, so a failure reproduces.
 */
class EndpointFuzzIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final long SEED = 8_2026_11_26L;
    static final int CASES = 1_000;
    static final int MAX_KEY_LENGTH = 512;
    /** Admin and metrics token alike, so that a "right" token is right on every endpoint. */
    static final String TOKEN = "fuzz-token-0123456789";

    static final String[] READS = {"/api/articles", "/api/sources", "/api/search", "/api/trending", "/api/articles/%s",
            "/api/sources/%s", "/health/live", "/health/ready", "/metrics", "/debug/timings", "/debug/memory/sources", "/api/opml"};
    static final String[] PARAMETERS = {"source", "since", "until", "limit", "cursor", "q", "hours", "reset", "id", "%s"};
    static final String[] METHODS = {"PUT", "PATCH", "TRACE", "PROPFIND", "BREW", "OPTIONS", "HEAD", "DELETE", "POST", "GET"};
    static final String[] CONTENT_TYPES = {"application/json", "text/x-opml", "text/xml", "application/xml", "text/plain",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
            "*/*", "", "application/json\u0000", "text/x-opml; charset=\"\u00e9\""};

    @Test
    void everyEndpointAnswers2xxOr4xxProblemsForAnyInputWithoutTheCache() {
        try (TestServer server = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "METRICS_TOKEN", TOKEN,
                "FEEDS_POLL_ENABLED", "false", "FEEDS_ALLOW_PRIVATE_NETWORKS", "true",
                "DEBUG_MEMORY_SOURCES", "true"))) {
            fuzz(server, SEED);
        }
    }

    @Test
    void everyEndpointAnswers2xxOr4xxProblemsForAnyInputWithTheCacheAndKeysStayInTheNamespace() {
        String namespace = "fuzz-" + Long.toHexString(new Random().nextLong() & 0xffffffL);
        try (RedisServerProcess redis = new RedisServerProcess(TestRedisServer.freePort())) {
            redis.start();
            try (Jedis jedis = new Jedis(redis.url());
                 TestServer server = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "METRICS_TOKEN", TOKEN,
                         "FEEDS_POLL_ENABLED", "false", "FEEDS_ALLOW_PRIVATE_NETWORKS", "true",
                         "DEBUG_MEMORY_SOURCES", "true", "CACHE_ENABLED", "true",
                         "REDIS_URL", redis.url().toString(), "CACHE_NAMESPACE", namespace))) {
                fuzz(server, SEED + 1);

                List<String> keys = keys(jedis);
                assertThat(keys).as("the fuzz reached the cache").isNotEmpty();
                assertThat(keys).allSatisfy(key -> assertThat(key).startsWith(namespace + ":"));
                assertThat(keys).allSatisfy(key -> assertThat(key.length()).isLessThanOrEqualTo(MAX_KEY_LENGTH));
            }
        }
    }

    static List<String> keys(Jedis jedis) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int rounds = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && ++rounds < 10_000);
        return keys;
    }

    /** Sends {@link #CASES} generated requests; asserts the property and prints the count per status. */
    static void fuzz(TestServer server, long seed) {
        Random random = new Random(seed);
        SortedMap<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        String previous = "(none)";
        for (int i = 0; i < CASES; i++) {
            HttpRequest request = request(server, random);
            HttpResponse<String> response;
            try {
                response = server.send(request);
            } catch (UncheckedIOException e) {
                statuses.merge(0, 1, Integer::sum);
                failures.add("no answer to " + request.method() + " " + request.uri() + " " + request.headers().map() + " after "
                        + previous + ": " + e.getMessage());
                previous = "(no answer)";
                continue;
            }
            int status = response.statusCode();
            statuses.merge(status, 1, Integer::sum);
            String what = status + " " + request.method() + " " + request.uri();
            previous = what + " " + request.headers().map() + " -> " + response.headers().map();
            if (status < 200 || status >= 500) {
                failures.add(what);
            } else if (status >= 400 && !request.method().equals("HEAD")
                    && !(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                    && response.body().contains("\"status\":" + status))) {
                failures.add(what + " is not a problem: " + response.body());
            }
        }
        System.out.println("EndpointFuzzIT seed " + seed + ": " + CASES + " requests, by status " + statuses);
        assertThat(failures).isEmpty();
        assertThat(statuses.keySet()).as("the fuzz got past validation somewhere").contains(200);
        assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
    }

    static HttpRequest request(TestServer server, Random random) {
        return switch (random.nextInt(6)) {
            case 0, 1 -> read(server, random);
            case 2 -> withToken(HttpRequest.newBuilder(uri(server, "/api/sources/" + pathSegment(random) + "/refresh"))
                    .POST(HttpRequest.BodyPublishers.noBody()), random).build();
            case 3 -> withToken(HttpRequest.newBuilder(uri(server, "/api/sources/" + pathSegment(random))).DELETE(), random).build();
            case 4 -> post(server, random);
            default -> withToken(HttpRequest.newBuilder(uri(server, randomPath(random)))
                    .method(METHODS[random.nextInt(METHODS.length)], HttpRequest.BodyPublishers.ofString(hostile(random))), random).build();
        };
    }

    static HttpRequest read(TestServer server, Random random) {
        StringBuilder target = new StringBuilder(randomPath(random));
        int parameters = random.nextInt(4);
        for (int p = 0; p < parameters; p++) {
            String name = PARAMETERS[random.nextInt(PARAMETERS.length)];
            target.append(p == 0 ? '?' : '&')
                    .append(name.equals("%s") ? ParameterFuzzIT.encode(hostile(random)) : name)
                    .append('=').append(ParameterFuzzIT.encode(hostile(random)));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(server, target.toString())).GET();
        if (random.nextInt(4) == 0) {
            builder.header("Origin", "o" + printable(hostile(random)));
        }
        return withToken(builder, random).build();
    }

    static HttpRequest post(TestServer server, Random random) {
        String path = random.nextBoolean() ? "/api/sources" : "/api/opml";
        String body = switch (random.nextInt(5)) {
            case 0 -> "{\"feed_url\":" + jsonString(hostile(random)) + ",\"title\":" + jsonString(hostile(random)) + "}";
            case 1 -> "{\"feed_url\":\"http://127.0.0.1:9/fuzz" + random.nextInt(1_000_000) + "\",\"title\":"
                    + jsonString(hostile(random)) + "}";
            case 2 -> "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline type=\"rss\" xmlUrl=\""
                    + hostile(random).replace("\"", "&quot;").replace("<", "&lt;").replace("&", "&amp;") + "\"/></body></opml>";
            case 3 -> "<!DOCTYPE x [<!ENTITY a \"" + "b".repeat(1000) + "\">]><opml>&a;&a;&a;</opml>";
            default -> hostile(random);
        };
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(server, path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)].replace("\u0000", "");
        if (!contentType.isEmpty()) {
            builder.header("Content-Type", contentType);
        }
        return withToken(builder, random).build();
    }

    /** Mostly the right tokens, so that most requests get past authentication; sometimes none or a hostile one. */
    static HttpRequest.Builder withToken(HttpRequest.Builder builder, Random random) {
        int pick = random.nextInt(10);
        if (pick < 8) {
            builder.header("Authorization", "Bearer " + TOKEN);
        } else if (pick < 9) {
            builder.header("Authorization", "Bearer x" + printable(hostile(random)));
        }
        return builder;
    }

    static String randomPath(Random random) {
        String path = READS[random.nextInt(READS.length)];
        return path.contains("%s") ? path.formatted(pathSegment(random)) : path;
    }

    /** A path segment: percent-encoded hostile text, or one of the classic traversal and smuggling spellings. */
    static String pathSegment(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "..%2f..%2fetc%2fpasswd";
            case 1 -> "%2e%2e";
            case 2 -> "1%00";
            case 3 -> "99999999999999999999";
            case 4 -> "1e400";
            case 5 -> Integer.toString(random.nextInt(5));
            default -> ParameterFuzzIT.encode(hostile(random)).replace("+", "%20");
        };
    }

    static String hostile(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "\r\nFLUSHALL\r\n*1\r\n$8\r\nFLUSHALL\r\n";
            case 1 -> "* ? [a-z] \\ {x} " + ParameterFuzzIT.randomUnicode(random, 3);
            case 2 -> "x".repeat(random.nextInt(4_000));
            default -> ParameterFuzzIT.hostile(random);
        };
    }

    /** What an HTTP client lets into a header value: printable ASCII. */
    static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?").strip();
    }

    static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }

    static URI uri(TestServer server, String pathAndQuery) {
        try {
            return server.uri(pathAndQuery);
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("generator produced an invalid URI: " + pathAndQuery, e));
        }
    }
}
