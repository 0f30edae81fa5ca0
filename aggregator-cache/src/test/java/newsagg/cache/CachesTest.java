package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class CachesTest {

    @Test
    void disabledCachesCallTheLoaderEveryTimeAndNeverConnect() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CacheSettings off = new CacheSettings(false, URI.create("redis://127.0.0.1:" + listener.getLocalPort()),
                    "newsagg", Duration.ofMillis(100), Duration.ofMillis(100), 4, 5, Duration.ofSeconds(5),
                    Duration.ofMillis(250));
            try (Caches caches = Caches.create(off)) {
                Cached<String> cache = caches.newCache("latest", Codec.utf8()).lock(Duration.ofSeconds(1),
                        Duration.ofSeconds(1)).build();
                AtomicInteger loads = new AtomicInteger();

                Lookup<String> first = cache.get(cache.key().build(), () -> "v" + loads.incrementAndGet());
                Lookup<String> second = cache.get(cache.key().build(), () -> "v" + loads.incrementAndGet());
                caches.generations().bump("latest");

                assertThat(caches.enabled()).isFalse();
                assertThat(List.of(first.outcome(), second.outcome())).containsOnly(Outcome.BYPASS);
                assertThat(second.value()).isEqualTo("v2");
                CacheStats stats = caches.stats().get("latest");
                assertThat(stats.bypasses()).isEqualTo(2);
                assertThat(stats.redisErrors()).isZero();
                assertThat(stats.loads()).isEqualTo(2);
                assertThat(caches.generations().current("latest")).isZero();
            }
            listener.setSoTimeout(200);
            assertThatThrownBy(listener::accept).as("nobody connected").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void jitteredTtlsStayWithinBoundsAndSpreadOverThem() {
        try (Caches caches = Caches.disabled()) {
            Cached<String> cache = caches.newCache("jitter", Codec.utf8()).ttl(Duration.ofSeconds(10)).jitter(0.1)
                    .build();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 10_000; i++) {
                long ttl = cache.ttlFor("v");
                min = Math.min(min, ttl);
                max = Math.max(max, ttl);
            }
            assertThat(min).isBetween(9_000L, 9_200L);
            assertThat(max).isBetween(10_800L, 11_000L);
        }
    }

    @Test
    void zeroJitterKeepsTheTtlExact() {
        try (Caches caches = Caches.disabled()) {
            Cached<String> cache = caches.newCache("exact", Codec.utf8()).ttl(Duration.ofSeconds(10)).jitter(0)
                    .emptyTtl(Duration.ofSeconds(1), String::isEmpty).build();
            assertThat(cache.ttlFor("v")).isEqualTo(10_000);
            assertThat(cache.ttlFor("")).isEqualTo(1_000);
        }
    }

    @Test
    void badSettingsNameTheSetting() {
        URI url = URI.create("redis://127.0.0.1:6379");
        assertThatThrownBy(() -> CacheSettings.defaults(url).withNamespace("a:b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> CacheSettings.defaults(url).withTimeouts(Duration.ZERO, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> CacheSettings.defaults(url).withGenerationStaleness(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generationStaleness");
        try (Caches caches = Caches.disabled()) {
            assertThatThrownBy(() -> caches.newCache("x", Codec.utf8()).jitter(0.9))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
            assertThatThrownBy(() -> caches.newCache("x", Codec.utf8()).ttl(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        }
    }
}
