package newsagg.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;

import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.normalize.FeedPipeline;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing and normalizing one RSS 2.0 document of 50 items with HTML descriptions, as ingestion does after a fetch.
 * The score is in items per second: one invocation handles the whole document, counted as 50 operations.
 * {@code parseAndNormalize} reads documents whose items the pipeline has not seen (it cycles through more documents
 * than the pipeline's memo of recent entries holds), {@code refetchUnchanged} the same document again, whose items
 * the memo returns as they were normalized.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class FeedPipelineBenchmark {

    static final int ITEMS = 50;

    private static final URI FEED_URL = URI.create("https://news.example.test/world/rss.xml");
    private static final Instant FETCHED_AT = Instant.parse("2025-03-01T12:00:00Z");

    /**
     * Distinct documents cycled through: some 100,000 characters of raw and normalized text each, so 512 are about
     * six times what the memo holds, and a document's items are always gone from it when it comes round again.
     */
    static final int DOCUMENTS = 512;

    private final FeedPipeline pipeline = new FeedPipeline();
    private byte[][] bodies;
    private int next;

    @Setup
    public void setUp() throws FeedParseException {
        bodies = new byte[DOCUMENTS][];
        for (int i = 0; i < DOCUMENTS; i++) {
            bodies[i] = rss(ITEMS, 900_000L + (long) i * ITEMS).getBytes(StandardCharsets.UTF_8);
        }
        int parsed = parse(bodies[0]).size();
        if (parsed != ITEMS) {
            throw new IllegalStateException("the generated feed normalizes to " + parsed + " articles, not " + ITEMS);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public List<NewArticle> parseAndNormalize() throws FeedParseException {
        next = (next + 1) % DOCUMENTS;
        return parse(bodies[next]);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public List<NewArticle> refetchUnchanged() throws FeedParseException {
        return parse(bodies[0]);
    }

    private List<NewArticle> parse(byte[] body) throws FeedParseException {
        return pipeline.parseAndNormalize(body, "application/rss+xml; charset=utf-8", FEED_URL, FETCHED_AT);
    }

    /**
     * An RSS 2.0 channel of {@code items} distinct items with the elements real news feeds use most, GUIDs and links
     * numbered from {@code firstId}, so that another batch is new.
     */
    static String rss(int items, long firstId) {
        DateTimeFormatter rfc822 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
        StringBuilder xml = new StringBuilder(items * 1200);
        xml.append("""
                <?xml version="1.0" encoding="UTF-8"?>
                <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
                <channel>
                <title>Example News - World</title>
                <link>https://news.example.test/world/</link>
                <description>The latest world news from Example News</description>
                <language>en-gb</language>
                <atom:link href="https://news.example.test/world/rss.xml" rel="self" type="application/rss+xml"/>
                """);
        for (int i = 0; i < items; i++) {
            long id = firstId + i;
            String slug = "minister-says-talks-on-trade-deal-will-resume-" + id;
            xml.append("<item>\n")
                    .append("<title>Minister says talks on trade deal will resume &amp; markets rally, report ")
                    .append(i).append("</title>\n")
                    .append("<link>https://news.example.test/world/2025/03/").append(slug).append("</link>\n")
                    .append("<guid isPermaLink=\"false\">urn:example-news:article:").append(id).append("</guid>\n")
                    .append("<pubDate>").append(rfc822.format(FETCHED_AT.minusSeconds(600L * i))).append("</pubDate>\n")
                    .append("<dc:creator>Jane Doe</dc:creator>\n")
                    .append("<category>World</category>\n<category>Economy</category>\n")
                    .append("<description><![CDATA[<p>Officials said on Tuesday that negotiations would resume next week ")
                    .append("after <a href=\"/world/2025/02/earlier-talks\">earlier talks</a> stalled. ")
                    .append("<strong>Markets rose</strong> on the news, and the minister told reporters the government ")
                    .append("expected a deal &ldquo;within months&rdquo;.</p>")
                    .append("<p><img src=\"/images/").append(i).append(".jpg\" alt=\"The minister\" onerror=\"x()\"> ")
                    .append("Critics said the plan left key questions open.<script>track(").append(i)
                    .append(")</script></p>]]></description>\n")
                    .append("</item>\n");
        }
        xml.append("</channel>\n</rss>\n");
        return xml.toString();
    }
}
