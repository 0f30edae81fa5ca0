package newsagg.core.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.concurrent.atomic.AtomicInteger;
import newsagg.core.NewsCore;
import newsagg.core.domain.Source;
import newsagg.core.ingest.Opml.OpmlDocument;
import newsagg.core.ingest.Subscriptions.OpmlImportResult;
import newsagg.core.store.DuplicateSourceException;
import newsagg.core.testing.CoreExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every path that changes the sources tells the listener, so a cache over them never has to be told by the caller. */
class SubscriptionsIT {

    @RegisterExtension
    static final CoreExtension CORE = new CoreExtension();

    private final NewsCore core = CORE.core();
    private final AtomicInteger sourceChanges = new AtomicInteger();
    private final Subscriptions subscriptions = new Subscriptions(core.sources(), false, new ChangeListener() {
        @Override
        public void articlesChanged(long sourceId, int inserted, int updated) {
            throw new AssertionError("no articles change here");
        }

        @Override
        public void sourcesChanged() {
            sourceChanges.incrementAndGet();
        }
    });

    @Test
    void importing_the_default_sources_notifies_once_and_a_second_import_does_not() {
        OpmlImportResult first = subscriptions.importDefaultsIfEmpty();

        assertThat(first.added()).isPositive();
        assertThat(sourceChanges).hasValue(1);

        assertThat(subscriptions.importDefaultsIfEmpty()).isEqualTo(OpmlImportResult.NONE);
        assertThat(sourceChanges).hasValue(1);
    }

    @Test
    void an_opml_import_notifies_once_when_it_added_sources_and_not_when_it_added_none() throws Exception {
        OpmlDocument doc = Opml.parse(new ByteArrayInputStream("""
                <opml version="2.0"><body>
                  <outline type="rss" text="A" xmlUrl="https://93.184.216.34/a"/>
                  <outline type="rss" text="B" xmlUrl="https://93.184.216.34/b"/>
                  <outline type="rss" text="Private" xmlUrl="http://10.1.2.3/feed"/>
                </body></opml>""".getBytes(UTF_8)));

        OpmlImportResult result = subscriptions.importDocument(doc);

        assertThat(result.added()).isEqualTo(2);
        assertThat(result.invalid()).isEqualTo(1);
        assertThat(sourceChanges).hasValue(1);

        assertThat(subscriptions.importDocument(doc).added()).isZero();
        assertThat(sourceChanges).hasValue(1);
    }

    @Test
    void adding_and_removing_a_source_notify_and_a_refused_url_does_not() {
        Source added = subscriptions.add(" HTTPS://93.184.216.34:443/feed ", null);

        assertThat(added.feedUrl()).isEqualTo("https://93.184.216.34/feed");
        assertThat(sourceChanges).hasValue(1);

        assertThatIllegalArgumentException().isThrownBy(() -> subscriptions.add("http://127.0.0.1/feed", null));
        assertThatIllegalArgumentException().isThrownBy(() -> subscriptions.add("ftp://93.184.216.34/feed", null))
                .withMessage("feed URL scheme \"ftp\" is not allowed; use http or https");
        assertThatThrownBy(() -> subscriptions.add("https://93.184.216.34/feed", "again"))
                .isInstanceOf(DuplicateSourceException.class);
        assertThat(sourceChanges).hasValue(1);

        assertThat(subscriptions.remove(added.id())).isTrue();
        assertThat(sourceChanges).hasValue(2);
        assertThat(subscriptions.remove(added.id())).isFalse();
        assertThat(sourceChanges).hasValue(2);
    }
}
