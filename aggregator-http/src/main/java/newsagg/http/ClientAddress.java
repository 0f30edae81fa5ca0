package newsagg.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import io.javalin.http.Context;

/**
 * The address of the client a request comes from, for logs and the admin lockout. It is the TCP peer, unless the
 * peer is one of the {@code TRUSTED_PROXIES}: then it is the rightmost hop of {@code X-Forwarded-For} (or, when a
 * request has none, of {@code Forwarded}, RFC 7239) that is not itself a trusted proxy. Everything left of that hop
 * was written by the client and is never believed, so a forged header gains nothing. A hop that is not an IP
 * literal (RFC 7239's {@code unknown} or {@code _hidden}) ends the walk at the trusted proxy before it. A proxy
 * that writes only {@code Forwarded} must drop an incoming {@code X-Forwarded-For}, or clients could choose theirs.
 */
final class ClientAddress {

    private static final String ATTRIBUTE = "newsagg.client-address";

    private final List<Cidr> trusted;

    /** {@code trustedProxies} are addresses or CIDR blocks as {@link Cidr#parse} reads them. */
    ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /** A before-handler: works out the request's client address once. */
    void before(Context ctx) {
        ctx.attribute(ATTRIBUTE, resolve(ctx.req().getRemoteAddr(), ctx.req().getHeaders("X-Forwarded-For"),
                ctx.req().getHeaders("Forwarded")));
    }

    /** The client address of this request: the one {@link #before} found, else the TCP peer. */
    static String of(Context ctx) {
        String address = ctx.attribute(ATTRIBUTE);
        return address != null ? address : ctx.ip();
    }

    String resolve(String peer, Enumeration<String> forwardedFor, Enumeration<String> forwarded) {
        InetAddress hop = literal(peer);
        if (hop == null || !isTrusted(hop)) {
            return hop == null ? peer : hop.getHostAddress();
        }
        List<String> chain = forwardedFor != null && forwardedFor.hasMoreElements()
                ? list(forwardedFor) : forwardedFors(forwarded);
        for (int i = chain.size() - 1; i >= 0; i--) {
            InetAddress previous = literal(chain.get(i));
            if (previous == null) {
                break;
            }
            hop = previous;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return hop.getHostAddress();
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The comma-separated entries of every {@code X-Forwarded-For} field, in order. */
    private static List<String> list(Enumeration<String> fields) {
        List<String> entries = new ArrayList<>();
        while (fields.hasMoreElements()) {
            for (String entry : fields.nextElement().split(",")) {
                entries.add(entry.strip());
            }
        }
        return entries;
    }

    /** The {@code for=} value of each element of every {@code Forwarded} field, in order (RFC 7239 §4). */
    private static List<String> forwardedFors(Enumeration<String> fields) {
        List<String> entries = new ArrayList<>();
        while (fields != null && fields.hasMoreElements()) {
            for (String element : fields.nextElement().split(",")) {
                String value = "";
                for (String pair : element.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
                        value = pair.substring(eq + 1).strip();
                    }
                }
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                entries.add(value);
            }
        }
        return entries;
    }

    /**
     * An IP literal, with an optional port ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}), or null. Only a
     * strict dotted quad or a string with a colon reaches {@link InetAddress}, so nothing here ever asks DNS.
     */
    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String value = text.strip();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                return null;
            }
            return ipv6(value.substring(1, end));
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && colon == value.lastIndexOf(':')) {
            value = value.substring(0, colon);
        }
        if (value.indexOf(':') >= 0) {
            return ipv6(value);
        }
        byte[] ipv4 = Cidr.dottedQuad(value);
        if (ipv4 == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(ipv4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress ipv6(String value) {
        if (value.indexOf(':') < 0 || value.indexOf('%') >= 0 || !value.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
