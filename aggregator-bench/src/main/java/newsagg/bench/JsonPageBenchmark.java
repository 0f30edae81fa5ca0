package newsagg.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import newsagg.core.query.NewsQueries.ArticleItem;
import newsagg.core.query.NewsQueries.Page;
import newsagg.http.Json;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Serializing one page of the article listing (20 items and a cursor) with the server's own JSON mapping,
 * {@link Json}: what {@code GET /api/articles} does after the query returns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class JsonPageBenchmark {

    private Json json;
    private Page<ArticleItem> page;

    @Setup
    public void setUp() {
        json = new Json();
        Instant newest = Instant.parse("2025-03-01T12:00:00Z");
        List<ArticleItem> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long id = 500_000L - i;
            items.add(new ArticleItem(id, 17, "The Morning Observer",
                    "Parliament debates the budget as markets react to the election result, part " + i,
                    "https://example-news-17.test/2025/03/parliament-debates-the-budget-" + id,
                    "Officials said on Tuesday that the government would present a revised plan to parliament next "
                            + "week, after markets fell sharply. The minister told reporters the deal had broad "
                            + "support among regional leaders, although critics said the timing was \"unusual\".",
                    i % 3 == 0 ? null : "Wei Adams",
                    newest.minusSeconds(97L * i),
                    i % 2 == 0 ? List.of("politics", "economy") : List.of()));
        }
        page = new Page<>(items, "AW4ABmEpT0j6AAAAAAAAAMNPku05cw");
    }

    @Benchmark
    public byte[] serializePage() {
        return json.bytes(page);
    }
}
