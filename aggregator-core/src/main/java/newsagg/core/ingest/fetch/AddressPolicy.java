package newsagg.core.ingest.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Resolves a host once and hands the fetcher's HTTP client only addresses it may connect to: as the client's
 * {@link DnsResolver}, it is the only lookup a fetch makes, so the address checked is the address connected to, on
 * every redirect hop (no DNS rebinding between a check and a second lookup). IP literals are parsed, never looked up.
 * A host is refused whole when any of its addresses is not permitted, because the client may try any of them. The
 * resolver and the predicate are injectable so that tests can exercise the check with controlled DNS answers instead
 * of real private addresses.
 */
final class AddressPolicy implements DnsResolver {

    /** Name resolution, {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A host refused by the policy; the message is the sentence to show, naming the address and its kind. */
    static final class Refused extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private static final AddressPolicy ALLOW_ALL = new AddressPolicy(InetAddress::getAllByName, address -> true);

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

    /** Every address permitted: the system resolver's answer is used as it is. */
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
        try {
            resolve(host);
            return Optional.empty();
        } catch (Refused refused) {
            return Optional.of(refused.getMessage());
        }
    }

    /**
     * Looks the host up once and returns its addresses when every one of them is permitted.
     *
     * @throws Refused              when any address is not permitted
     * @throws UnknownHostException when the host does not resolve
     */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = isLiteral(host)
                ? new InetAddress[] {InetAddress.getByName(host)}
                : resolver.resolve(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        Optional<InetAddress> refused = Arrays.stream(addresses).filter(permitted.negate()).findFirst();
        if (refused.isPresent()) {
            throw new Refused(refusal(host, refused.get()));
        }
        return addresses.clone();
    }

    /** Only SPNEGO asks for it, and the fetcher never authenticates; the name is kept as it is. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    private static String refusal(String host, InetAddress address) {
        String kind = Objects.requireNonNullElse(FeedUrls.addressKind(address), "non-public");
        String ip = address.getHostAddress();
        String what = isLiteral(host) ? ip + " (" + kind : host + " (resolves to " + ip + ", " + kind;
        return "refused to fetch from " + what + " address); private networks are blocked";
    }

    /**
     * Literals are parsed without DNS; anything else goes to the resolver, which an attacker cannot launder. The HTTP
     * client may pass an IPv6 literal without its brackets, hence the colon.
     */
    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
