package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import newsagg.cache.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InvalidationIT {

    private final TestRedis redis = new TestRedis();

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void bumpMakesTheNextGetMissAndNeverReturnsTheOldValue() {
        Caches caches = redis.caches();
        Cached<String> cache = caches.newCache("latest", Codec.utf8()).scope("articles").build();
        CacheKey key = cache.key().with("limit", 20).build();
        cache.get(key, () -> "before");
        assertThat(cache.get(key, () -> "unused").outcome()).isEqualTo(Outcome.HIT);

        caches.generations().bump("articles");

        Lookup<String> after = cache.get(key, () -> "after");
        assertThat(after.outcome()).isEqualTo(Outcome.MISS);
        assertThat(after.value()).isEqualTo("after");
        assertThat(cache.get(key, () -> "unused").value()).isEqualTo("after");
        assertThat(cache.stats().invalidations()).isEqualTo(1);
        assertThat(caches.generations().bumps()).isEqualTo(1);
    }

    @Test
    void generationLivesInItsOwnKeyAndIsEmbeddedInEntryKeys() {
        Caches caches = redis.caches();
        Cached<String> cache = caches.newCache("search", Codec.utf8()).scope("articles").build();
        caches.generations().bump("articles");
        caches.generations().bump("articles");
        CacheKey key = cache.key().with("q", "rust").build();

        cache.get(key, () -> "v");

        long generation = Long.parseLong(redis.client().get(redis.namespace() + ":v2:gen:articles"));
        assertThat(redis.exists(redis.namespace() + ":v2:search:" + generation + ":q=rust")).isTrue();
        assertThat(caches.generations().current("articles")).isEqualTo(generation);
    }

    @Test
    void aLostCounterNeverComesBackAtAValueItHeldSoNoOlderEntryIsServedAgain() {
        Cached<String> cache = redis.caches().newCache("latest", Codec.utf8()).scope("articles").build();
        CacheKey key = cache.key().build();
        String counter = redis.namespace() + ":v2:gen:articles";
        // Entries under several generations, as a busy server leaves them, all still within their TTL.
        Caches writer = redis.caches();
        Cached<String> writes = writer.newCache("latest", Codec.utf8()).scope("articles").build();
        assertThat(writes.get(key, () -> "first").value()).isEqualTo("first");
        writer.generations().bump("articles");
        assertThat(writes.get(key, () -> "second").value()).isEqualTo("second");
        writer.generations().bump("articles");
        assertThat(writes.get(key, () -> "third").value()).isEqualTo("third");

        // Evicted (or lost with a restart); a process that reads it next, and one that bumps it next.
        redis.client().del(counter);
        Lookup<String> read = cache.get(key, () -> "fresh");
        redis.client().del(counter);
        redis.caches().generations().bump("articles");
        Lookup<String> afterBump = redis.caches().newCache("latest", Codec.utf8()).scope("articles").build()
                .get(key, () -> "fresher");

        assertThat(read.outcome()).isEqualTo(Outcome.MISS);
        assertThat(read.value()).isEqualTo("fresh");
        assertThat(afterBump.outcome()).isEqualTo(Outcome.MISS);
        assertThat(afterBump.value()).isEqualTo("fresher");
    }

    @Test
    void oneScopeInvalidatesEveryCacheThatSharesIt() {
        Caches caches = redis.caches();
        Cached<String> latest = caches.newCache("latest", Codec.utf8()).scope("articles").build();
        Cached<String> search = caches.newCache("search", Codec.utf8()).scope("articles").build();
        Cached<String> sources = caches.newCache("sources", Codec.utf8()).build();
        latest.get(latest.key().build(), () -> "l1");
        search.get(search.key().build(), () -> "s1");
        sources.get(sources.key().build(), () -> "src1");

        caches.generations().bump("articles");

        assertThat(latest.get(latest.key().build(), () -> "l2").value()).isEqualTo("l2");
        assertThat(search.get(search.key().build(), () -> "s2").value()).isEqualTo("s2");
        assertThat(sources.get(sources.key().build(), () -> "src2").value()).isEqualTo("src1");
    }

    @Test
    void bumpInOneProcessIsSeenByAnotherWithinOneSecond() {
        Caches writer = redis.caches();
        Caches reader = redis.caches(redis.settings().withGenerationStaleness(Duration.ofMillis(250)));
        Cached<String> cache = reader.newCache("latest", Codec.utf8()).scope("articles").build();
        CacheKey key = cache.key().build();
        cache.get(key, () -> "old");
        AtomicReference<String> fresh = new AtomicReference<>("new");

        writer.generations().bump("articles");

        assertThat(Poll.until(() -> cache.get(key, fresh::get).value().equals("new"), Duration.ofSeconds(1)))
                .as("the reader serves the new value within 1 s of the bump").isTrue();
        assertThat(cache.stats().invalidations()).isEqualTo(1);
    }
}
