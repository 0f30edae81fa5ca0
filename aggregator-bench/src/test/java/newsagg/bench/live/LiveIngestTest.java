package newsagg.bench.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LiveIngestTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void percentilesAreNearestRank() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(LiveIngest.Stats.percentile(sorted, 50)).isEqualTo(50);
        assertThat(LiveIngest.Stats.percentile(sorted, 99)).isEqualTo(99);
        assertThat(LiveIngest.Stats.percentile(new double[] {7}, 99)).isEqualTo(7);
        assertThat(LiveIngest.Stats.of(new double[] {3, 1, 2})).containsEntry("n", 3).containsEntry("p50", 2.0)
                .containsEntry("max", 3.0);
        assertThat(LiveIngest.Stats.of(new double[0])).containsOnlyKeys("n");
    }

    @Test
    void markersAreDistinctLetterWords() {
        String session = LiveIngest.Markers.session(1_796_180_000L);
        Set<String> seen = new HashSet<>();
        for (long n = 0; n < 20_000; n++) {
            String marker = LiveIngest.Markers.marker(session, n);
            assertThat(marker).matches("[a-z]+");
            seen.add(marker);
        }
        assertThat(seen).hasSize(20_000);
        assertThat(LiveIngest.Markers.session(1_796_180_001L)).isNotEqualTo(session);
        assertThatThrownBy(() -> LiveIngest.Markers.letters(26L * 26 * 26, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void feedDocumentListsTheNewestItemsFirstAndKeepsABoundedNumber() {
        LiveIngest.Feed feed = new LiveIngest.Feed(0, "http://127.0.0.1:19050/live/feed-0.xml");
        for (int n = 0; n < LiveIngest.ITEMS_PER_DOCUMENT + 5; n++) {
            feed.add(n, "zlvm" + LiveIngest.Markers.letters(n, 3), List.of("said", "police"), false);
        }
        String xml = feed.document();
        assertThat(xml).startsWith("<?xml").contains("<guid>zlvmacc</guid>").doesNotContain("<guid>zlvmaaa</guid>");
        assertThat(xml.indexOf("zlvmacc")).isLessThan(xml.indexOf("zlvmacb"));
        assertThat(xml.split("<item>", -1)).hasSize(LiveIngest.ITEMS_PER_DOCUMENT + 1);
    }

    @Test
    void visibilityChecksReadTheAnswers() throws Exception {
        var items = json.readTree("[{\"id\":4,\"title\":\"zlvq said\",\"article_count\":12}]");
        assertThat(LiveIngest.titled(items, "zlvq")).isTrue();
        assertThat(LiveIngest.titled(items, "zlvr")).isFalse();
        assertThat(LiveIngest.counted(items, "id", 4, "article_count", 12)).isTrue();
        assertThat(LiveIngest.counted(items, "id", 4, "article_count", 13)).isFalse();
        assertThat(LiveIngest.counted(items, "id", 5, "article_count", 0)).isFalse();
    }

    @Test
    void optionsAcceptOnlyLoopbackUrlsAndBoundedValues() {
        LiveIngest.Options o = LiveIngest.Options.parse(new String[] {"--ingest", "http://127.0.0.1:19001",
                "--probe", "http://127.0.0.1:19001,http://127.0.0.1:19002", "--admin-token", "t", "--rate", "10",
                "--duration", "90s"});
        assertThat(o.probeUrls()).hasSize(2);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.probeEvery()).isEqualTo(10);
        assertThat(LiveIngest.Options.parse(new String[] {"--ingest", "http://127.0.0.1:19001", "--probe", "none",
                "--admin-token", "t"}).probeUrls()).as("stores without probing").isEmpty();
        assertThat(LiveIngest.Options.parse(new String[] {"--ingest", "http://127.0.0.1:19001",
                "--admin-token", "t"}).probeUrls()).as("probes the server it stores through by default")
                .containsExactly("http://127.0.0.1:19001");
        assertThatThrownBy(() -> LiveIngest.Options.parse(new String[] {"--ingest", "http://10.0.0.1:80",
                "--admin-token", "t"})).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> LiveIngest.Options.parse(new String[] {"--ingest", "http://127.0.0.1:19001",
                "--admin-token", "t", "--rate", "1000"})).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LiveIngest.Options.duration("4h", "duration")).isInstanceOf(IllegalArgumentException.class);
    }
}
