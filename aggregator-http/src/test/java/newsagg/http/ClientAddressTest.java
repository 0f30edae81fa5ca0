package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    static final ClientAddress BEHIND_PROXIES = new ClientAddress(List.of("10.0.0.0/8", "2001:db8::/32"));
    static final ClientAddress NO_PROXY = new ClientAddress(List.of());

    private static String resolve(ClientAddress addresses, String peer, List<String> forwardedFor, List<String> forwarded) {
        return addresses.resolve(peer, Collections.enumeration(forwardedFor), Collections.enumeration(forwarded));
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeadersSay() {
        assertThat(resolve(NO_PROXY, "10.0.0.5", List.of("203.0.113.9"), List.of("for=198.51.100.1"))).isEqualTo("10.0.0.5");
    }

    @Test
    void anUntrustedPeerSendingAForgedHeaderIsItself() {
        assertThat(resolve(BEHIND_PROXIES, "198.51.100.7", List.of("10.0.0.1, 203.0.113.9"), List.of())).isEqualTo("198.51.100.7");
    }

    @Test
    void aTrustedProxyNamesTheRightmostHopThatIsNotAProxy() {
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of("203.0.113.9"), List.of())).isEqualTo("203.0.113.9");
        // The client forged 192.0.2.66 in front; the proxies appended the real hops after it.
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of("192.0.2.66, 203.0.113.9", "10.0.0.3"), List.of()))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void whenEveryHopIsAProxyTheLeftmostIsTheClient() {
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of("10.9.9.9, 10.0.0.3"), List.of())).isEqualTo("10.9.9.9");
    }

    @Test
    void forwardedIsReadWhenThereIsNoXForwardedFor() {
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of(),
                List.of("for=192.0.2.66;proto=https, For=\"[2001:db8:cafe::17]:4711\", for=198.51.100.3:80;by=10.0.0.2")))
                .isEqualTo("198.51.100.3");
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of(), List.of("for=\"[2001:db9::17]:4711\"")))
                .isEqualTo("2001:db9:0:0:0:0:0:17");
    }

    @Test
    void aHopThatIsNotAnAddressStopsAtTheProxyBeforeIt() {
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of(), List.of("for=unknown"))).isEqualTo("10.0.0.2");
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of("192.0.2.1, evil.example.org"), List.of())).isEqualTo("10.0.0.2");
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of("127.1"), List.of())).isEqualTo("10.0.0.2");
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of(""), List.of())).isEqualTo("10.0.0.2");
    }

    @Test
    void addressesAreWrittenInOneCanonicalForm() {
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of("[2001:0DB9::0001]:443"), List.of())).isEqualTo("2001:db9:0:0:0:0:0:1");
        assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", List.of("203.0.113.9:5555"), List.of())).isEqualTo("203.0.113.9");
        assertThat(resolve(BEHIND_PROXIES, "2001:db8::5", List.of("::ffff:203.0.113.9"), List.of())).isEqualTo("203.0.113.9");
    }

    @Test
    void cidrBlocksMatchByPrefix() {
        Cidr block = Cidr.parse("192.168.4.0/22");

        assertThat(block.contains(ClientAddress.literal("192.168.7.255"))).isTrue();
        assertThat(block.contains(ClientAddress.literal("192.168.8.0"))).isFalse();
        assertThat(block.contains(ClientAddress.literal("[::ffff:192.168.5.1]"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ClientAddress.literal("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ClientAddress.literal("[::1]"))).isFalse();
    }
}
