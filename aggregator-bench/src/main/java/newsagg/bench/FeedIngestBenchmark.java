package newsagg.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.normalize.FeedPipeline;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.store.DataSources;
import newsagg.core.store.UpsertResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole ingestion step after a fetch: parse and normalize a 50-item RSS document, then upsert its articles into
 * PostgreSQL. {@code newItems} stores 50 articles no one has seen (every invocation numbers its items afresh);
 * {@code unchangedItems} re-ingests the same document, the common case of a poll that finds nothing new. Scores are
 * in items per second. Needs PostgreSQL at {@code -Dnewsagg.bench.admin-url} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user postgres); it creates a scratch database and drops it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class FeedIngestBenchmark {

    private static final int ITEMS = FeedPipelineBenchmark.ITEMS;
    private static final URI FEED_URL = URI.create("https://news.example.test/world/rss.xml");
    private static final Instant FETCHED_AT = Instant.parse("2025-03-01T12:00:00Z");
    private static final String CONTENT_TYPE = "application/rss+xml; charset=utf-8";

    private final FeedPipeline pipeline = new FeedPipeline();
    private String adminUrl;
    private String database;
    private HikariDataSource dataSource;
    private NewsCore core;
    private long sourceId;
    private long nextId = 1;
    private byte[] unchanged;

    @Setup(Level.Trial)
    public void setUp() throws SQLException, FeedParseException {
        adminUrl = System.getProperty("newsagg.bench.admin-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
        database = "newsagg_jmh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + database);
        dataSource = DataSources.pooled(adminUrl.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1"), "postgres", null, 2, "jmh");
        core = NewsCore.open(dataSource);
        sourceId = core.sources().create(FEED_URL.toString(), "Example News", null).id();
        unchanged = FeedPipelineBenchmark.rss(ITEMS, 1).getBytes(StandardCharsets.UTF_8);
        nextId = 1 + ITEMS;
        unchangedItems();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        dataSource.close();
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public UpsertResult newItems() throws FeedParseException {
        byte[] body = FeedPipelineBenchmark.rss(ITEMS, nextId).getBytes(StandardCharsets.UTF_8);
        nextId += ITEMS;
        return ingest(body);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public UpsertResult unchangedItems() throws FeedParseException {
        return ingest(unchanged);
    }

    private UpsertResult ingest(byte[] body) throws FeedParseException {
        List<NewArticle> articles = pipeline.parseAndNormalize(body, CONTENT_TYPE, FEED_URL, FETCHED_AT);
        return core.articles().upsert(sourceId, articles);
    }

    private void admin(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", null);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
