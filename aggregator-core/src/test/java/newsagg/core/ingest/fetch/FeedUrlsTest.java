package newsagg.core.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Feed URL validation and address classification; only literals, so no DNS and no connections. */
class FeedUrlsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "https://example.com/feed.xml, https://example.com/feed.xml",
        "'  HTTP://Example.COM:80/Feed?a=1&b=2#top  ', http://example.com/Feed?a=1&b=2",
        "https://example.com:443, https://example.com/",
        "http://example.com:8080/rss, http://example.com:8080/rss",
        "https://example.com/a%20b?q=%C3%A9, https://example.com/a%20b?q=%C3%A9",
        "http://[2001:DB8::1]:8443/f, http://[2001:db8::1]:8443/f",
        "http://192.0.2.10:65535/f, http://192.0.2.10:65535/f",
        "http://feed2.example.com/f, http://feed2.example.com/f",
        "http://1.example/f, http://1.example/f"
    })
    void acceptsAndNormalizesHttpUrls(String raw, String normalized) {
        assertThat(FeedUrls.parse(raw)).isEqualTo(URI.create(normalized));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ftp://example.com/feed | feed URL scheme \"ftp\" is not allowed; use http or https",
        "file:///etc/passwd | feed URL scheme \"file\" is not allowed; use http or https",
        "javascript:alert(1) | feed URL scheme \"javascript\" is not allowed; use http or https",
        "example.com/feed | feed URL must be absolute and start with http:// or https://",
        "http:example.com | feed URL must have the form http://host/path",
        "http:///feed | feed URL has no host",
        "http://exa_mple.com/feed | feed URL has an invalid host \"exa_mple.com\"",
        "https://user:pw@example.com/feed | feed URL must not contain a user name or password",
        "https://example.com@evil.example/ | feed URL must not contain a user name or password",
        "http://example.com/a b | feed URL is not valid: illegal character in path at index 20",
        "http://example.com:65536/feed | feed URL has an invalid port 65536; ports are 1 to 65535",
        "http://example.com:0/feed | feed URL has an invalid port 0; ports are 1 to 65535",
        "http://example.com:99999999999/feed | feed URL has an invalid port; ports are 1 to 65535",
        "http://0177.0.0.1/ | feed URL has an ambiguous IPv4 address \"0177.0.0.1\"; write it as four decimal numbers without leading zeros, such as 192.0.2.1",
        "http://0x7f.0.0.1/ | feed URL has an invalid host \"0x7f.0.0.1\"",
        "http://2130706433/ | feed URL has an ambiguous IPv4 address \"2130706433\"; write it as four decimal numbers without leading zeros, such as 192.0.2.1",
        "http://127.1/ | feed URL has an invalid host \"127.1\"",
        "http://example.0x10/ | feed URL has an invalid host \"example.0x10\"",
        "http://192.0.2.1./ | feed URL has an invalid host \"192.0.2.1.\""
    })
    void rejectsUnacceptableUrlsWithAClearMessage(String raw, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> FeedUrls.parse(raw)).withMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0177.0.0.1", "0x7f.0.0.1", "0x7F000001", "127.1", "2130706433", "1.2.3.04", "192.0.2.1.",
            "example.0x10", "1.2.3.256", "1.2.3.4.5"})
    void hostsThatOtherSoftwareReadsAsAnotherIpv4AddressAreAmbiguous(String host) {
        assertThat(FeedUrls.ambiguousIpv4(host)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"192.0.2.1", "0.0.0.0", "255.255.255.255", "example.com", "1.example", "feed2.example.com", "[::1]"})
    void dottedQuadsAndNamesAreNotAmbiguous(String host) {
        assertThat(FeedUrls.ambiguousIpv4(host)).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "https://example.org/feed?token=SECRET | https://example.org/feed?token=***",
        "https://user:password@example.org:8443/feed?a=1&b=&c | https://example.org:8443/feed?a=***&b=***&***",
        "https://example.org/feed.xml#frag | https://example.org/feed.xml",
        "http://[2001:db8::1]/f?k=v | http://[2001:db8::1]/f?k=***",
        "not a url | (invalid URL)",
        "/relative?token=x | (invalid URL)"
    })
    void redactionDropsCredentialsAndMasksEveryQueryValue(String url, String shown) {
        assertThat(FeedUrls.redacted(url)).isEqualTo(shown);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "   "})
    void rejectsBlankUrls(String raw) {
        assertThatIllegalArgumentException().isThrownBy(() -> FeedUrls.parse(raw))
                .withMessage("feed URL is required");
        assertThatIllegalArgumentException().isThrownBy(() -> FeedUrls.parse(null))
                .withMessage("feed URL is required");
    }

    @Test
    void rejectsUrlsLongerThan2048Characters() {
        String prefix = "https://example.com/";
        String atLimit = prefix + "a".repeat(FeedUrls.MAX_LENGTH - prefix.length());

        assertThat(FeedUrls.parse(atLimit).toString()).hasSize(FeedUrls.MAX_LENGTH);
        assertThatIllegalArgumentException().isThrownBy(() -> FeedUrls.parse(atLimit + "a"))
                .withMessage("feed URL is longer than 2048 characters");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "0.0.0.0, unspecified", "0.1.2.3, unspecified",
        "10.0.0.1, private", "10.255.255.255, private",
        "172.16.0.1, private", "172.31.255.255, private",
        "192.168.1.1, private",
        "100.64.0.1, carrier-grade NAT", "100.127.255.254, carrier-grade NAT",
        "127.0.0.1, loopback", "127.255.255.254, loopback",
        "169.254.169.254, link-local",
        "192.0.0.8, reserved", "192.0.2.1, documentation", "198.51.100.7, documentation",
        "203.0.113.9, documentation", "198.18.0.1, benchmarking",
        "224.0.0.1, multicast", "239.255.255.250, multicast",
        "240.0.0.1, reserved", "255.255.255.255, reserved",
        "::, unspecified", "::1, loopback",
        "::7f00:1, IPv4-compatible",
        "fe80::1, link-local", "febf:ffff::1, link-local",
        "fec0::1, site-local",
        "fc00::1, unique local", "fd12:3456::1, unique local",
        "ff02::1, multicast",
        "2001:db8::1, documentation", "2001::1, reserved",
        "100::1, discard-only",
        "::ffff:127.0.0.1, loopback", "::ffff:10.1.2.3, private", "::ffff:169.254.1.1, link-local",
        "64:ff9b::a00:1, private", "64:ff9b:1::1, NAT64 local-use",
        "2002:c0a8:101::1, private", "2002:7f00:1::, loopback"
    })
    void classifiesNonPublicAddresses(String literal, String kind) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal);

        assertThat(FeedUrls.addressKind(address)).isEqualTo(kind);
        assertThat(FeedUrls.isPublicAddress(address)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "172.15.255.255",
        "100.63.255.255", "100.128.0.1", "192.169.0.1", "223.255.255.255",
        "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808",
        "2002:808:808::1", "fe00::1"})
    void classifiesPublicAddresses(String literal) throws UnknownHostException {
        assertThat(FeedUrls.isPublicAddress(InetAddress.getByName(literal))).isTrue();
    }

    @Test
    void classifiesIpv4MappedAddressesKeptInIpv6Form() throws UnknownHostException {
        byte[] mappedLoopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};

        InetAddress address = Inet6Address.getByAddress(null, mappedLoopback, -1);

        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(FeedUrls.addressKind(address)).isEqualTo("loopback");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://[::1]/feed | refused to fetch from 0:0:0:0:0:0:0:1 (loopback address); private networks are blocked",
        "http://[fe80::1]/feed | refused to fetch from fe80:0:0:0:0:0:0:1 (link-local address); private networks are blocked",
        "http://[::ffff:127.0.0.1]/ | refused to fetch from 127.0.0.1 (loopback address); private networks are blocked",
        "https://10.1.2.3/feed | refused to fetch from 10.1.2.3 (private address); private networks are blocked",
        "http://100.64.1.1:8080/ | refused to fetch from 100.64.1.1 (carrier-grade NAT address); private networks are blocked"
    })
    void requirePublicHostRefusesLiteralNonPublicAddresses(String url, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> FeedUrls.requirePublicHost(URI.create(url)))
                .withMessage(message);
    }

    @Test
    void requirePublicHostAcceptsPublicLiteralsAndRejectsBadSchemes() {
        FeedUrls.requirePublicHost(URI.create("https://93.184.216.34/feed"));
        FeedUrls.requirePublicHost(URI.create("https://[2606:4700:4700::1111]/feed"));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> FeedUrls.requirePublicHost(URI.create("gopher://93.184.216.34/")))
                .withMessage("feed URL scheme \"gopher\" is not allowed; use http or https");
    }
}
