package newsagg.core.ingest.fetch;

import static newsagg.core.ingest.fetch.TestServer.redirect;
import static newsagg.core.ingest.fetch.TestServer.respond;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The private-network guard, with private networks NOT allowed. A live loopback server shows that refused URLs never
 * reach it. Per-hop checks use a policy that lets only the test server's own address (127.0.0.1) through and applies
 * the real classification to everything else, with a resolver that maps made-up names under the reserved {@code .test}
 * domain: so nothing here ever tries to connect to a private address, even if the guard were broken.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FetchPolicyTest {

    private static final byte[] FEED = "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>".getBytes();
    private static final InetAddress TEST_SERVER = address("127.0.0.1");

    private final TestServer server = new TestServer();
    private final FeedFetcher guarded = new FeedFetcher(FetchSettings.defaults());

    private static final Map<String, List<InetAddress>> DNS = Map.of(
            "internal.test", List.of(address("192.168.1.10")),
            "mixed.test", List.of(address("93.184.216.34"), address("10.0.0.1")),
            "metadata.test", List.of(address("169.254.169.254")),
            "ula.test", List.of(address("fd00::1")));

    private final FeedFetcher onlyTestServer = new FeedFetcher(FetchSettings.defaults(), AddressPolicy.of(
            host -> {
                List<InetAddress> answer = DNS.get(host);
                if (answer == null) {
                    throw new UnknownHostException(host);
                }
                return answer.toArray(InetAddress[]::new);
            },
            a -> a.equals(TEST_SERVER) || FeedUrls.isPublicAddress(a)));

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static String failure(FetchResult r) {
        assertThat(r).isInstanceOf(FetchResult.Failed.class);
        return ((FetchResult.Failed) r).message();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "127.0.0.1, refused to fetch from 127.0.0.1 (loopback address); private networks are blocked",
        "localhost, 'refused to fetch from localhost (resolves to '",
        "[::1], refused to fetch from 0:0:0:0:0:0:0:1 (loopback address); private networks are blocked",
        "[::ffff:127.0.0.1], refused to fetch from 127.0.0.1 (loopback address); private networks are blocked",
        "127.1.2.3, refused to fetch from 127.1.2.3 (loopback address); private networks are blocked",
        "0.0.0.0, refused to fetch from 0.0.0.0 (unspecified address); private networks are blocked"
    })
    void loopbackUrlsAreRefusedBeforeAnyConnection(String host, String expected) {
        FetchResult r = guarded.fetch(URI.create("http://" + host + ":" + server.port() + "/feed"), null, null);

        assertThat(failure(r)).startsWith(expected);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void theSameServerIsReachableWhenPrivateNetworksAreAllowed() {
        server.on("/feed", ex -> respond(ex, 200, Map.of(), FEED));

        FetchResult r = new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(true))
                .fetch(server.uri("/feed"), null, null);

        assertThat(r).isInstanceOf(FetchResult.Fetched.class);
    }

    @Test
    void everyResolvedAddressIsChecked() {
        assertThat(failure(onlyTestServer.fetch(URI.create("http://mixed.test/feed"), null, null)))
                .isEqualTo("refused to fetch from mixed.test (resolves to 10.0.0.1, private address); "
                        + "private networks are blocked");
    }

    @Test
    void unknownHostFailsWithAHumanMessage() {
        assertThat(failure(onlyTestServer.fetch(URI.create("http://nowhere.test/feed"), null, null)))
                .isEqualTo("host not found: nowhere.test");
    }

    @Test
    void redirectToAHostResolvingToAPrivateAddressIsRefused() {
        server.on("/feed", redirect(302, "http://internal.test/admin"));

        FetchResult r = onlyTestServer.fetch(server.uri("/feed"), null, null);

        assertThat(failure(r)).isEqualTo("refused to fetch from internal.test (resolves to 192.168.1.10, "
                + "private address); private networks are blocked");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void redirectToCloudMetadataAndUlaHostsIsRefused() {
        server.on("/a", redirect(301, "http://metadata.test/latest/meta-data/"));
        server.on("/b", redirect(301, "http://ula.test/"));

        assertThat(failure(onlyTestServer.fetch(server.uri("/a"), null, null))).contains("(resolves to 169.254.169.254, link-local address)");
        assertThat(failure(onlyTestServer.fetch(server.uri("/b"), null, null))).contains("(resolves to fd00:0:0:0:0:0:0:1, unique local address)");
    }

    @Test
    void redirectToAnotherLoopbackLiteralIsRefusedAtThatHop() {
        server.on("/feed", redirect(307, "http://127.0.0.2:" + server.port() + "/feed2"));
        server.on("/feed2", ex -> respond(ex, 200, Map.of(), FEED));

        FetchResult r = onlyTestServer.fetch(server.uri("/feed"), null, null);

        assertThat(failure(r)).isEqualTo(
                "refused to fetch from 127.0.0.2 (loopback address); private networks are blocked");
        assertThat(server.requests()).extracting(TestServer.Request::path).containsExactly("/feed");
    }

    @Test
    void permittedHopsAreFollowed() {
        server.on("/feed", redirect(302, "/feed2"));
        server.on("/feed2", ex -> respond(ex, 200, Map.of(), FEED));

        FetchResult r = onlyTestServer.fetch(server.uri("/feed"), null, null);

        assertThat(r).isInstanceOf(FetchResult.Fetched.class);
        assertThat(server.requests()).hasSize(2);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
