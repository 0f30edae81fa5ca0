package newsagg.core.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Truncated and bit-flipped variants of every corpus file: the pipeline either returns articles or
 * throws {@link FeedParseException}, never anything else, and never hangs. Seeds are fixed per file, so
 * a failure names a reproducible variant.
 */
class CorpusFuzzTest {
    private static final int VARIANTS_PER_FILE = 30;
    private static final URI FEED_URL = URI.create("https://feeds.example.test/fuzz.xml");
    private static final Instant FETCHED = Instant.parse("2030-01-01T00:00:00Z");
    private final FeedPipeline pipeline = new FeedPipeline();

    @TestFactory
    Stream<DynamicTest> mutated_feeds_only_ever_fail_with_a_feed_parse_exception() {
        return RealWorldFeeds.manifest().stream().map(e -> DynamicTest.dynamicTest(e.file(), () -> {
            byte[] original = e.body();
            Random random = new Random(e.file().hashCode());
            for (int v = 0; v < VARIANTS_PER_FILE; v++) {
                byte[] variant = mutate(original, random, v);
                String label = e.file() + " variant " + v;
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                    try {
                        List<NewArticle> articles = pipeline.parseAndNormalize(variant, null, FEED_URL, FETCHED);
                        assertThat(articles).as(label).allSatisfy(a -> assertThat(a.summary()).hasSizeLessThanOrEqualTo(500));
                    } catch (FeedParseException expected) {
                        assertThat(expected.getMessage()).as(label).isNotBlank().doesNotContain("\n\tat ");
                    }
                }, label);
            }
        }));
    }

    /** Even variants truncate at a random point; odd ones flip 1–16 random bits. */
    private static byte[] mutate(byte[] original, Random random, int v) {
        if (original.length == 0) {
            return original;
        }
        if (v % 2 == 0) {
            return Arrays.copyOf(original, random.nextInt(original.length));
        }
        byte[] copy = original.clone();
        int flips = 1 + random.nextInt(16);
        for (int i = 0; i < flips; i++) {
            int pos = random.nextInt(copy.length);
            copy[pos] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }
}
