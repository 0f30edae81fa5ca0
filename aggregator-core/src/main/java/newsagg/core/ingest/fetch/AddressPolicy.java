package newsagg.core.ingest.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides whether a host may be fetched from: resolves it (IP literals are parsed, never looked up) and refuses it
 * when any of its addresses is not permitted. Checking every address matters because the HTTP client may connect to
 * any of them. The resolver and the predicate are injectable so that tests can exercise the per-hop check with
 * controlled DNS answers instead of real private addresses.
 */
final class AddressPolicy {

    /** Name resolution, {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final AddressPolicy ALLOW_ALL = new AddressPolicy(null, null);

    private final Resolver resolver;
    private final Predicate<InetAddress> permitted;

    private AddressPolicy(Resolver resolver, Predicate<InetAddress> permitted) {
        this.resolver = resolver;
        this.permitted = permitted;
    }

    /** Public addresses only, with the system resolver. */
    static AddressPolicy publicOnly() {
        return new AddressPolicy(InetAddress::getAllByName, FeedUrls::isPublicAddress);
    }

    /** No check at all: the HTTP client resolves and connects as it likes. */
    static AddressPolicy allowAll() {
        return ALLOW_ALL;
    }

    static AddressPolicy of(Resolver resolver, Predicate<InetAddress> permitted) {
        return new AddressPolicy(Objects.requireNonNull(resolver), Objects.requireNonNull(permitted));
    }

    /**
     * Checks a URI host (IPv6 literals in brackets, as {@link java.net.URI#getHost()} gives them).
     *
     * @return empty when the host may be fetched, else a short reason for refusing it
     * @throws UnknownHostException when the host does not resolve
     */
    Optional<String> check(String host) throws UnknownHostException {
        if (permitted == null) {
            return Optional.empty();
        }
        InetAddress[] addresses = isLiteral(host)
                ? new InetAddress[] {InetAddress.getByName(host)}
                : resolver.resolve(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        return Arrays.stream(addresses)
                .filter(permitted.negate())
                .findFirst()
                .map(a -> refusal(host, a));
    }

    private static String refusal(String host, InetAddress address) {
        String kind = Objects.requireNonNullElse(FeedUrls.addressKind(address), "non-public");
        String ip = address.getHostAddress();
        String what = isLiteral(host) ? ip + " (" + kind : host + " (resolves to " + ip + ", " + kind;
        return "refused to fetch from " + what + " address); private networks are blocked";
    }

    /** Literals are parsed without DNS; anything else goes to the resolver, which an attacker cannot launder. */
    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
