package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin lockout keys on the client address: behind a trusted proxy each forwarded client is locked out on its
 * own, and a peer that is not a trusted proxy cannot escape its lockout by forging {@code X-Forwarded-For}. A lock
 * answers wrong tokens with 429; the right token is never refused (README: the admin must not be locked out by
 * others sharing an address), so the lock shows in what the next wrong guess gets.
 */
class TrustedProxyIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String TOKEN = "admin-token-for-proxy-tests-01234";

    @Test
    void aTrustedProxyForwardingTwoClientsLocksOutOnlyTheOneThatGuesses() {
        try (TestServer proxied = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "TRUSTED_PROXIES", "127.0.0.1/32"))) {
            for (int i = 0; i < AuthFailures.FREE_FAILURES; i++) {
                assertThat(opml(proxied, "wrong-token-guess-0123456789", "203.0.113.1").statusCode()).isEqualTo(401);
            }

            assertThat(opml(proxied, "wrong-token-guess-0123456789", "203.0.113.1").statusCode())
                    .as("the guessing client").isEqualTo(429);
            assertThat(opml(proxied, "wrong-token-guess-0123456789", "203.0.113.2").statusCode())
                    .as("another client behind the same proxy").isEqualTo(401);
            assertThat(opml(proxied, TOKEN, "203.0.113.2").statusCode()).isEqualTo(200);
            assertThat(opml(proxied, "wrong-token-guess-0123456789", "198.51.100.9, 203.0.113.1").statusCode())
                    .as("a forged hop in front of the real one changes nothing").isEqualTo(429);
        }
    }

    @Test
    void anUntrustedPeerSendingForgedHeadersIsLockedOutAsItself() {
        try (TestServer direct = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "TRUSTED_PROXIES", "10.0.0.0/8"))) {
            for (int i = 0; i < AuthFailures.FREE_FAILURES; i++) {
                assertThat(opml(direct, "wrong-token-guess-0123456789", "203.0.113." + (10 + i)).statusCode()).isEqualTo(401);
            }

            assertThat(opml(direct, "wrong-token-guess-0123456789", "203.0.113.99").statusCode()).isEqualTo(429);
            assertThat(direct.send(HttpRequest.newBuilder(direct.uri("/api/opml")).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer wrong-token-guess-0123456789").header("Forwarded", "for=192.0.2.1")
                    .build()).statusCode()).isEqualTo(429);
        }
    }

    private static java.net.http.HttpResponse<String> opml(TestServer server, String token, String forwardedFor) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/opml")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).header("X-Forwarded-For", forwardedFor).build());
    }
}
