package newsagg.core.ingest.fetch;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validation of feed URLs and classification of addresses, shared by the fetcher (on every redirect hop) and the admin
 * API (when a source is added). {@link #parse} is the cheap syntactic check: http or https only, a host, at most
 * {@value #MAX_LENGTH} characters, and no user name or password, because credentials in a feed URL would be stored and
 * shown in plain text and {@code http://trusted@evil/} misleads readers. Ports 1 to 65535 are allowed; IPv4 hosts must
 * be plain dotted quads (see {@link #ambiguousIpv4}). {@link #requirePublicHost}
 * is the separate, DNS-backed check that refuses loopback, private, link-local, carrier-grade NAT, multicast, reserved
 * and documentation addresses, including IPv4-mapped, NAT64 and 6to4 forms of them.
 */
public final class FeedUrls {

    private static final Pattern PORT_TOO_LONG = Pattern.compile("(?:[^@]*@)?[^:@]+:[0-9]{6,}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
    private static final Pattern DECIMAL_OCTET = Pattern.compile("0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5]");

    /** The longest feed URL accepted, in characters. */
    static final int MAX_LENGTH = 2048;

    private record Block(byte[] prefix, int bits, String kind) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            if (!Arrays.equals(address, 0, whole, prefix, 0, whole)) {
                return false;
            }
            int rest = bits % 8;
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    private static final List<Block> IPV4_BLOCKS = List.of(
            block("0.0.0.0", 8, "unspecified"),
            block("10.0.0.0", 8, "private"),
            block("100.64.0.0", 10, "carrier-grade NAT"),
            block("127.0.0.0", 8, "loopback"),
            block("169.254.0.0", 16, "link-local"),
            block("172.16.0.0", 12, "private"),
            block("192.0.0.0", 24, "reserved"),
            block("192.0.2.0", 24, "documentation"),
            block("192.88.99.0", 24, "reserved"),
            block("192.168.0.0", 16, "private"),
            block("198.18.0.0", 15, "benchmarking"),
            block("198.51.100.0", 24, "documentation"),
            block("203.0.113.0", 24, "documentation"),
            block("224.0.0.0", 4, "multicast"),
            block("240.0.0.0", 4, "reserved"));

    /** Built by hand: the JDK turns any {@code ::ffff:a.b.c.d} literal into a plain IPv4 address. */
    private static final Block IPV4_MAPPED = new Block(
            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96, "IPv4-mapped");
    private static final Block NAT64 = block("64:ff9b::", 96, "NAT64");
    private static final Block SIX_TO_FOUR = block("2002::", 16, "6to4");

    private static final List<Block> IPV6_BLOCKS = List.of(
            block("::", 128, "unspecified"),
            block("::1", 128, "loopback"),
            block("::", 96, "IPv4-compatible"),
            block("64:ff9b:1::", 48, "NAT64 local-use"),
            block("100::", 64, "discard-only"),
            block("2001::", 23, "reserved"),
            block("2001:db8::", 32, "documentation"),
            block("fc00::", 7, "unique local"),
            block("fe80::", 10, "link-local"),
            block("fec0::", 10, "site-local"),
            block("ff00::", 8, "multicast"));

    private FeedUrls() {
    }

    /**
     * Validates a user-supplied feed URL and returns it normalized: scheme and host in lower case, default port
     * dropped, an empty path made {@code /}, the fragment removed. Surrounding whitespace is ignored.
     *
     * @throws IllegalArgumentException with a message fit for an API client when the URL is not acceptable
     */
    public static URI parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("feed URL is required");
        }
        String text = raw.strip();
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("feed URL is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("feed URL is not valid: " + e.getReason().toLowerCase(Locale.ROOT)
                    + " at index " + e.getIndex());
        }
        String problem = problem(uri);
        if (problem != null) {
            throw new IllegalArgumentException("feed URL " + problem);
        }
        return normalize(uri);
    }

    /**
     * Resolves the URL's host and refuses it when any of its addresses is not public (see {@link #isPublicAddress}).
     * Literal IP addresses are checked without DNS.
     *
     * @throws IllegalArgumentException when the host is not public or cannot be resolved
     */
    public static void requirePublicHost(URI url) {
        String problem = problem(url);
        if (problem != null) {
            throw new IllegalArgumentException("feed URL " + problem);
        }
        try {
            AddressPolicy.publicOnly().check(url.getHost()).ifPresent(reason -> {
                throw new IllegalArgumentException(reason);
            });
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("feed host " + url.getHost() + " cannot be resolved");
        }
    }

    /**
     * True when the address is globally routable unicast: not loopback, private (RFC 1918), unique local
     * ({@code fc00::/7}), link-local, site-local, carrier-grade NAT ({@code 100.64.0.0/10}), {@code 0.0.0.0/8},
     * multicast, broadcast, reserved or documentation space, nor an IPv4-mapped, NAT64 or 6to4 address embedding one.
     */
    static boolean isPublicAddress(InetAddress address) {
        return addressKind(address) == null;
    }

    /** The kind of non-public range the address falls in (e.g. "loopback"), or null when it is public. */
    static String addressKind(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            if (IPV4_MAPPED.contains(bytes)) {
                return kindOfIpv4(Arrays.copyOfRange(bytes, 12, 16));
            }
            if (NAT64.contains(bytes)) {
                return kindOfIpv4(Arrays.copyOfRange(bytes, 12, 16));
            }
            if (SIX_TO_FOUR.contains(bytes)) {
                return kindOfIpv4(Arrays.copyOfRange(bytes, 2, 6));
            }
            return firstMatch(IPV6_BLOCKS, bytes);
        }
        return kindOfIpv4(bytes);
    }

    private static String kindOfIpv4(byte[] bytes) {
        return firstMatch(IPV4_BLOCKS, bytes);
    }

    private static String firstMatch(List<Block> blocks, byte[] bytes) {
        for (Block b : blocks) {
            if (b.contains(bytes)) {
                return b.kind();
            }
        }
        return null;
    }

    /**
     * The feed URL as anyone but the admin may see it, in the API and in logs: without a user name or password, and
     * with the value of every query parameter replaced by {@code ***} (names are kept; a parameter without a value
     * is masked whole), because feed URLs often carry a token there. The fragment is dropped. Text that is not an
     * absolute URL becomes {@code (invalid URL)}.
     */
    public static String redacted(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.strip());
        } catch (URISyntaxException e) {
            return "(invalid URL)";
        }
        String authority = uri.getRawAuthority();
        if (uri.getScheme() == null || authority == null) {
            return "(invalid URL)";
        }
        StringBuilder s = new StringBuilder(uri.getScheme()).append("://")
                .append(authority.substring(authority.lastIndexOf('@') + 1))
                .append(uri.getRawPath() == null ? "" : uri.getRawPath());
        String query = uri.getRawQuery();
        if (query != null) {
            s.append('?');
            String[] parameters = query.split("&", -1);
            for (int i = 0; i < parameters.length; i++) {
                int equals = parameters[i].indexOf('=');
                s.append(i == 0 ? "" : "&").append(equals < 0 ? "***" : parameters[i].substring(0, equals) + "=***");
            }
        }
        return s.toString();
    }

    /** Why the URI cannot be fetched, phrased to follow "feed URL " or "redirect target ", or null when it can. */
    static String problem(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            return "must be absolute and start with http:// or https://";
        }
        String lower = scheme.toLowerCase(Locale.ROOT);
        if (!lower.equals("http") && !lower.equals("https")) {
            return "scheme \"" + scheme + "\" is not allowed; use http or https";
        }
        if (uri.isOpaque()) {
            return "must have the form " + lower + "://host/path";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not contain a user name or password";
        }
        if (uri.getHost() == null) {
            if (uri.getRawAuthority() != null && PORT_TOO_LONG.matcher(uri.getRawAuthority()).matches()) {
                return "has an invalid port; ports are 1 to 65535";
            }
            return uri.getRawAuthority() == null
                    ? "has no host"
                    : "has an invalid host \"" + uri.getRawAuthority() + "\"";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            return "has an invalid port " + uri.getPort() + "; ports are 1 to 65535";
        }
        if (ambiguousIpv4(uri.getHost())) {
            return "has an ambiguous IPv4 address \"" + uri.getHost()
                    + "\"; write it as four decimal numbers without leading zeros, such as 192.0.2.1";
        }
        if (uri.toString().length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        return null;
    }

    /**
     * True for a host that browsers and curl read as an IPv4 address (its last label is a decimal or {@code 0x} hex
     * number, as the WHATWG URL standard says) but that is not the plain dotted-quad form: {@code 0177.0.0.1}
     * (octal: 127.0.0.1 to curl, 177.0.0.1 to Java), {@code 0x7f.1}, {@code 2130706433}, {@code 127.1}, or a
     * trailing dot. Each would be checked as one address and fetched by other software as another.
     */
    static boolean ambiguousIpv4(String host) {
        if (host.startsWith("[")) {
            return false;
        }
        String[] labels = host.split("\\.", -1);
        String last = labels[labels.length - 1].isEmpty() && labels.length > 1 ? labels[labels.length - 2] : labels[labels.length - 1];
        if (!NUMBER.matcher(last).matches()) {
            return false;
        }
        if (labels.length != 4) {
            return true;
        }
        for (String label : labels) {
            if (!DECIMAL_OCTET.matcher(label).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Lower-cases scheme and host, drops the default port and the fragment, and turns an empty path into "/". */
    static URI normalize(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                || (scheme.equals("https") && port == 443);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder s = new StringBuilder(scheme).append("://").append(uri.getHost().toLowerCase(Locale.ROOT));
        if (!defaultPort) {
            s.append(':').append(port);
        }
        s.append(path);
        if (uri.getRawQuery() != null) {
            s.append('?').append(uri.getRawQuery());
        }
        return URI.create(s.toString());
    }

    private static Block block(String literal, int bits, String kind) {
        try {
            return new Block(InetAddress.getByName(literal).getAddress(), bits, kind);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError("bad address literal " + literal);
        }
    }
}
