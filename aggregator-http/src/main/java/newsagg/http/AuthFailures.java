package newsagg.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed bearer-token attempts per client, so that guessing a token is slowed without ever holding a request
 * thread. A client is its address, or for IPv6 its /64 (one subscriber gets a whole /64 and could rotate through
 * it). After {@link #FREE_FAILURES} failures a client is locked for one second, each further failure doubles the
 * lock up to {@link #MAX_LOCK_MILLIS}, and while locked it is refused (429) without another failure being counted.
 * Over all clients, more than {@link #GLOBAL_FAILURES_PER_MINUTE} failures in a minute lock every client for the
 * rest of that minute, which bounds a guesser spread over many addresses. A lock only ever refuses wrong tokens:
 * {@link TokenCheck} accepts the right one first, so that clients sharing an address (NAT, a proxy) cannot lock
 * the admin out. A success, or a minute of quiet after the lock ends, forgets the client. At most
 * {@code maxAddresses} are remembered (the least recently seen are dropped), so a spray of addresses costs
 * bounded memory; the price is that such a spray can also drop a locked address early, which the global budget
 * covers.
 */
final class AuthFailures {

    static final int FREE_FAILURES = 5;
    static final long FIRST_LOCK_MILLIS = 1_000;
    static final long MAX_LOCK_MILLIS = 60_000;
    static final long QUIET_MILLIS = 60_000;
    static final int DEFAULT_MAX_ADDRESSES = 10_000;
    static final int GLOBAL_FAILURES_PER_MINUTE = 100;
    static final long GLOBAL_WINDOW_MILLIS = 60_000;

    private static final class Entry {
        int failures;
        long lastFailure;
        long lockedUntil;
    }

    private final LongSupplier clockMillis;
    /** Access-ordered, so the eldest entry is the address seen least recently; guarded by {@code this}. */
    private final Map<String, Entry> entries;
    private final int globalFailuresPerWindow;
    /** Failures counted in the current global window, which started at {@code windowStart}; guarded by {@code this}. */
    private int windowFailures;
    private long windowStart = Long.MIN_VALUE;

    /** {@code clockMillis} is injectable so that tests move time instead of waiting for it. */
    AuthFailures(LongSupplier clockMillis, int maxAddresses, int globalFailuresPerWindow) {
        this.clockMillis = clockMillis;
        this.globalFailuresPerWindow = globalFailuresPerWindow;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    AuthFailures(LongSupplier clockMillis, int maxAddresses) {
        this(clockMillis, maxAddresses, GLOBAL_FAILURES_PER_MINUTE);
    }

    AuthFailures() {
        this(System::currentTimeMillis, DEFAULT_MAX_ADDRESSES);
    }

    /** How many milliseconds {@code address} must still wait before it may try again; 0 if it may now. */
    synchronized long lockedForMillis(String address) {
        long now = clockMillis.getAsLong();
        Entry entry = entries.get(clientKey(address));
        long own = entry == null ? 0 : Math.max(0, entry.lockedUntil - now);
        long global = windowFailures > globalFailuresPerWindow && now - windowStart < GLOBAL_WINDOW_MILLIS
                ? windowStart + GLOBAL_WINDOW_MILLIS - now
                : 0;
        return Math.max(own, global);
    }

    synchronized void failed(String address) {
        long now = clockMillis.getAsLong();
        if (windowStart == Long.MIN_VALUE || now - windowStart >= GLOBAL_WINDOW_MILLIS) {
            windowStart = now;
            windowFailures = 0;
        }
        windowFailures++;
        Entry entry = entries.computeIfAbsent(clientKey(address), a -> new Entry());
        if (entry.failures > 0 && now - Math.max(entry.lastFailure, entry.lockedUntil) >= QUIET_MILLIS) {
            entry.failures = 0;
        }
        entry.failures++;
        entry.lastFailure = now;
        if (entry.failures >= FREE_FAILURES) {
            int doublings = Math.min(entry.failures - FREE_FAILURES, 16);
            entry.lockedUntil = now + Math.min(FIRST_LOCK_MILLIS << doublings, MAX_LOCK_MILLIS);
        }
    }

    synchronized void succeeded(String address) {
        entries.remove(clientKey(address));
    }

    /**
     * The key a client's failures are counted under: an IPv4 address as it is, an IPv6 address as its /64 (hex of
     * the first eight bytes). Only text with a colon is parsed, as an IPv6 literal, so no name is ever looked up.
     */
    static String clientKey(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = literal.indexOf('%');
        try {
            byte[] bytes = InetAddress.getByName(zone < 0 ? literal : literal.substring(0, zone)).getAddress();
            if (bytes.length != 16) {
                return InetAddress.getByAddress(bytes).getHostAddress();
            }
            StringBuilder key = new StringBuilder(24);
            for (int i = 0; i < 8; i++) {
                key.append(String.format("%02x", bytes[i] & 0xff)).append(i % 2 == 1 && i < 7 ? ":" : "");
            }
            return key.append("::/64").toString();
        } catch (UnknownHostException notALiteral) {
            return address;
        }
    }

    synchronized int addresses() {
        return entries.size();
    }
}
