package newsagg.core.ingest.fetch;

import static newsagg.core.ingest.fetch.TestServer.redirect;
import static newsagg.core.ingest.fetch.TestServer.respond;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DNS rebinding: a name whose first answer passes the address check and whose later answers point at a private
 * address. Two loopback servers on one port stand in for the two: "checked" on 127.0.0.2, which the policy treats as
 * public, and "private" on 127.0.0.1, which it refuses (private networks are not allowed). The name is
 * {@code localhost}, so that a client doing a lookup of its own (the system resolver's) after the check would reach
 * the private server: the fetch must connect to the address the policy's one lookup approved, on every hop. Nothing
 * here leaves the loopback interface.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FetchDnsPinningTest {

    private static final byte[] FEED = "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>".getBytes();
    private static final InetAddress CHECKED = address("127.0.0.2");
    private static final InetAddress PRIVATE = address("127.0.0.1");

    private final AtomicInteger lookups = new AtomicInteger();
    private TestServer checked;
    private TestServer privateServer;
    private FeedFetcher fetcher;

    @BeforeEach
    void startServers() {
        bindBothOnOnePort();
        checked.on("/feed", ex -> respond(ex, 200, Map.of(), FEED));
        privateServer.on("/feed", ex -> respond(ex, 200, Map.of(), FEED));
        AddressPolicy rebinding = AddressPolicy.of(host -> {
            if (!host.equals("localhost")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {lookups.getAndIncrement() == 0 ? CHECKED : PRIVATE};
        }, a -> a.equals(CHECKED) || FeedUrls.isPublicAddress(a));
        fetcher = new FeedFetcher(FetchSettings.defaults(), rebinding);
    }

    /** The ephemeral port chosen for 127.0.0.2 may be taken on 127.0.0.1: a few tries, then the test fails. */
    private void bindBothOnOnePort() {
        for (int attempt = 0; attempt < 5; attempt++) {
            TestServer first = new TestServer(new InetSocketAddress(CHECKED, 0));
            try {
                privateServer = new TestServer(new InetSocketAddress(PRIVATE, first.port()));
                checked = first;
                return;
            } catch (UncheckedIOException portTaken) {
                first.close();
            }
        }
        throw new IllegalStateException("no port free on both 127.0.0.1 and 127.0.0.2");
    }

    @AfterEach
    void stopServers() {
        checked.close();
        privateServer.close();
    }

    private URI url(String host, String path) {
        return URI.create("http://" + host + ":" + checked.port() + path);
    }

    @Test
    void theConnectionGoesToTheAddressThatPassedTheCheck() {
        FetchResult r = fetcher.fetch(url("localhost", "/feed"), null, null);

        assertThat(r).isInstanceOf(FetchResult.Fetched.class);
        assertThat(lookups).hasValue(1);
        assertThat(checked.requests()).extracting(TestServer.Request::path).containsExactly("/feed");
        assertThat(privateServer.requests()).isEmpty();
    }

    @Test
    void aRedirectHopConnectsToTheAddressThatPassedItsCheck() {
        checked.on("/start", redirect(302, url("localhost", "/feed").toString()));

        FetchResult r = fetcher.fetch(url("127.0.0.2", "/start"), null, null);

        assertThat(r).isInstanceOf(FetchResult.Fetched.class);
        assertThat(lookups).hasValue(1);
        assertThat(checked.requests()).extracting(TestServer.Request::path).containsExactly("/start", "/feed");
        assertThat(privateServer.requests()).isEmpty();
    }

    @Test
    void theNextFetchChecksTheNewAnswerAndIsRefusedBeforeConnecting() {
        assertThat(fetcher.fetch(url("localhost", "/feed"), null, null)).isInstanceOf(FetchResult.Fetched.class);

        FetchResult r = fetcher.fetch(url("localhost", "/feed"), null, null);

        assertThat(r).isInstanceOf(FetchResult.Failed.class);
        assertThat(((FetchResult.Failed) r).message()).isEqualTo(
                "refused to fetch from localhost (resolves to 127.0.0.1, loopback address); private networks are "
                        + "blocked");
        assertThat(lookups).hasValue(2);
        assertThat(privateServer.requests()).isEmpty();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
