package newsagg.core.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import newsagg.core.NewsCore;
import newsagg.core.domain.Source;
import newsagg.core.ingest.Opml.OpmlDocument;
import newsagg.core.ingest.Opml.OpmlException;
import newsagg.core.ingest.Subscriptions.OpmlImportResult;
import newsagg.core.testing.CoreExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpmlImporterIT {

    @RegisterExtension
    static final CoreExtension CORE = new CoreExtension();

    private final NewsCore core = CORE.core();

    /** Imports through the use case the admin API calls; {@code allowPrivateNetworks} as the setting of that name. */
    private Subscriptions subscriptions(boolean allowPrivateNetworks) {
        return new Subscriptions(core.sources(), allowPrivateNetworks, ChangeListener.NONE);
    }

    private static OpmlDocument parse(String xml) throws OpmlException {
        return Opml.parse(new ByteArrayInputStream(xml.getBytes(UTF_8)));
    }

    @Test
    void import_counts_added_skipped_and_invalid_feeds_with_reasons() throws Exception {
        core.sources().create("https://existing.example/feed", "Existing", null);
        OpmlDocument doc = parse("""
                <opml version="2.0"><body>
                  <outline text="Tech">
                    <outline type="rss" text="New one" xmlUrl="https://new.example/rss" htmlUrl="https://new.example/"/>
                    <outline type="rss" text="Existing again" xmlUrl="https://existing.example/feed"/>
                    <outline type="rss" text="Same as new, other spelling" xmlUrl="HTTPS://NEW.example:443/rss"/>
                  </outline>
                  <outline type="rss" text="Gopher" xmlUrl="gopher://old.example/feed"/>
                  <outline type="rss" text="Credentials" xmlUrl="https://user:pw@creds.example/feed"/>
                  <outline type="rss" text="Second new" xmlUrl="http://second.example/atom" htmlUrl="javascript:alert(1)"/>
                </body></opml>""");

        OpmlImportResult result = subscriptions(true).importDocument(doc);

        assertThat(result.added()).isEqualTo(2);
        assertThat(result.skipped()).isEqualTo(2);
        assertThat(result.invalid()).isEqualTo(2);
        assertThat(result.invalidEntries()).containsExactly(
                new OpmlImportResult.Invalid("gopher://old.example/feed",
                        "feed URL scheme \"gopher\" is not allowed; use http or https"),
                new OpmlImportResult.Invalid("https://user:pw@creds.example/feed",
                        "feed URL must not contain a user name or password"));
        Source added = core.sources().findByFeedUrl("https://new.example/rss").orElseThrow();
        assertThat(added.title()).isEqualTo("New one");
        assertThat(added.siteUrl()).isEqualTo("https://new.example/");
        Source second = core.sources().findByFeedUrl("http://second.example/atom").orElseThrow();
        assertThat(second.siteUrl()).isNull();
        assertThat(core.sources().list()).hasSize(3);
    }

    @Test
    void private_hosts_are_invalid_unless_private_networks_are_allowed() throws Exception {
        OpmlDocument doc = parse("""
                <opml version="2.0"><body>
                  <outline type="rss" text="Loopback" xmlUrl="http://127.0.0.1:8080/feed"/>
                  <outline type="rss" text="Private" xmlUrl="http://10.1.2.3/feed"/>
                </body></opml>""");

        OpmlImportResult strict = subscriptions(false).importDocument(doc);

        assertThat(strict.added()).isZero();
        assertThat(strict.invalid()).isEqualTo(2);
        assertThat(strict.invalidEntries()).extracting(OpmlImportResult.Invalid::reason)
                .allSatisfy(reason -> assertThat(reason).isNotBlank());
        assertThat(core.sources().list()).isEmpty();

        OpmlImportResult lenient = subscriptions(true).importDocument(doc);

        assertThat(lenient.added()).isEqualTo(2);
    }

    @Test
    void the_invalid_entry_list_is_bounded_but_every_invalid_feed_is_counted() throws Exception {
        String outlines = "<outline type=\"rss\" xmlUrl=\"ftp://bad.example/f\"/>"
                .repeat(OpmlImporter.MAX_REPORTED_INVALID + 50);

        OpmlImportResult result = subscriptions(true)
                .importDocument(parse("<opml version=\"1.0\"><body>" + outlines + "</body></opml>"));

        assertThat(result.invalid()).isEqualTo(OpmlImporter.MAX_REPORTED_INVALID + 50);
        assertThat(result.invalidEntries()).hasSize(OpmlImporter.MAX_REPORTED_INVALID);
    }

    @Test
    void export_then_import_into_an_empty_database_recreates_the_sources() throws Exception {
        core.sources().create("https://a.example/feed", "A & B", "https://a.example/");
        core.sources().create("https://c.example/feed", null, null);
        String xml = Opml.export(core.sources().list());
        core.jdbi().useHandle(h -> h.execute("TRUNCATE sources CASCADE"));

        OpmlImportResult result = subscriptions(true).importDocument(parse(xml));

        assertThat(result.added()).isEqualTo(2);
        assertThat(core.sources().list()).extracting(Source::feedUrl, Source::title, Source::siteUrl)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("https://a.example/feed", "A & B", "https://a.example/"),
                        org.assertj.core.groups.Tuple.tuple("https://c.example/feed", "https://c.example/feed", null));
    }

    @Test
    void default_sources_are_imported_only_into_an_empty_database() {
        OpmlImportResult first = subscriptions(false).importDefaultsIfEmpty();

        int bundled = Opml.defaults().feeds().size();
        assertThat(first.added()).isEqualTo(bundled);
        assertThat(first.invalid()).isZero();
        assertThat(core.sources().list()).hasSize(bundled);

        core.sources().delete(core.sources().list().get(0).id());
        OpmlImportResult second = subscriptions(false).importDefaultsIfEmpty();

        assertThat(second).isEqualTo(OpmlImportResult.NONE);
        assertThat(core.sources().list()).hasSize(bundled - 1);
    }
}
