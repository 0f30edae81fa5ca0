package newsagg.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import newsagg.core.NewsCore;
import newsagg.core.domain.Source;
import newsagg.core.ingest.FeedIngester.RefreshResult;
import newsagg.core.ingest.FeedIngester.RefreshResult.Status;
import newsagg.core.ingest.fetch.FeedFetcher;
import newsagg.core.ingest.fetch.FetchSettings;
import newsagg.core.ingest.fetch.TestServer;
import newsagg.core.ingest.normalize.RealWorldFeeds;
import newsagg.core.testing.CoreExtension;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared real-world corpus served over HTTP, each file as a source, refreshed end to end into the database.
 * Skipped when {@code shared/feeds} is absent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestCorpusIT {

    @RegisterExtension
    static final CoreExtension CORE = new CoreExtension();

    /**
     * Where the stored count rightly differs from the manifest's raw element count: the illegally nested feed has 10
     * real items each containing an empty {@code <item />} (the manifest counts 20 elements); the malformed
     * {@code saxerror.xml} (manifest "-") is recovered leniently, as the normalize corpus test pins down.
     */
    private static final Map<String, Integer> EXPECTED_COUNT = Map.of("illegally-nested.xml", 10, "saxerror.xml", 3);

    private final TestServer server = new TestServer();
    private final NewsCore core = CORE.core();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void every_corpus_file_is_ingested_over_http_with_its_manifest_counts_and_first_titles() {
        List<RealWorldFeeds.Entry> manifest = RealWorldFeeds.manifest();
        FeedIngester ingester = new FeedIngester(core.sources(), core.articles(),
                new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(true)), ChangeListener.NONE,
                Clock.systemUTC(), Duration.ofMinutes(30));
        Map<String, Source> sources = new HashMap<>();
        for (RealWorldFeeds.Entry e : manifest) {
            String path = "/real-world/" + e.file();
            byte[] raw = e.rawBody();
            Map<String, String> headers = e.gzipped() ? Map.of("Content-Encoding", "gzip") : Map.of();
            server.on(path, ex -> TestServer.respond(ex, 200, headers, raw));
            sources.put(e.file(), core.sources().create(server.uri(path).toString(), null, null));
        }

        SoftAssertions soft = new SoftAssertions();
        for (RealWorldFeeds.Entry e : manifest) {
            Source source = sources.get(e.file());
            RefreshResult result = ingester.refresh(source);
            List<String> titles = core.jdbi().withHandle(h -> h.createQuery(
                    "SELECT title FROM articles WHERE source_id = :id").bind("id", source.id())
                    .mapTo(String.class).list());
            Integer expected = EXPECTED_COUNT.getOrDefault(e.file(), e.wellFormedFeed() ? e.items() : null);
            if (expected == null) {
                soft.assertThat(result.status()).as(e.file()).isEqualTo(Status.ERROR);
                soft.assertThat(titles).as(e.file()).isEmpty();
                soft.assertThat(core.sources().find(source.id()).orElseThrow().fetch().lastError()).as(e.file())
                        .isEqualTo(result.error());
                continue;
            }
            soft.assertThat(result).as(e.file()).isEqualTo(RefreshResult.ok(expected, 0));
            soft.assertThat(titles).as(e.file()).hasSize(expected);
            String first = e.firstTitle().strip();
            if (e.wellFormedFeed() && !first.isEmpty()) {
                soft.assertThat(titles).as(e.file()).anyMatch(t -> t.startsWith(first));
            }
        }
        soft.assertAll();
        assertThat(manifest).anyMatch(e -> !e.wellFormedFeed() && !EXPECTED_COUNT.containsKey(e.file()));
    }
}
