package newsagg.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed bearer-token attempts per client address, so that guessing a token is slowed without ever holding a
 * request thread: after {@link #FREE_FAILURES} failures an address is locked for one second, each further
 * failure doubles the lock up to {@link #MAX_LOCK_MILLIS}, and while locked it is refused (429) without its
 * token even being checked. A success, or a minute of quiet after the lock ends, forgets the address. At most
 * {@code maxAddresses} are remembered (the least recently seen are dropped), so a spray of addresses costs
 * bounded memory; the price is that such a spray can also drop a locked address early.
 */
final class AuthFailures {

    static final int FREE_FAILURES = 5;
    static final long FIRST_LOCK_MILLIS = 1_000;
    static final long MAX_LOCK_MILLIS = 60_000;
    static final long QUIET_MILLIS = 60_000;
    static final int DEFAULT_MAX_ADDRESSES = 10_000;

    private static final class Entry {
        int failures;
        long lastFailure;
        long lockedUntil;
    }

    private final LongSupplier clockMillis;
    /** Access-ordered, so the eldest entry is the address seen least recently; guarded by {@code this}. */
    private final Map<String, Entry> entries;

    /** {@code clockMillis} is injectable so that tests move time instead of waiting for it. */
    AuthFailures(LongSupplier clockMillis, int maxAddresses) {
        this.clockMillis = clockMillis;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    AuthFailures() {
        this(System::currentTimeMillis, DEFAULT_MAX_ADDRESSES);
    }

    /** How many milliseconds {@code address} must still wait before it may try again; 0 if it may now. */
    synchronized long lockedForMillis(String address) {
        Entry entry = entries.get(address);
        return entry == null ? 0 : Math.max(0, entry.lockedUntil - clockMillis.getAsLong());
    }

    synchronized void failed(String address) {
        long now = clockMillis.getAsLong();
        Entry entry = entries.computeIfAbsent(address, a -> new Entry());
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
        entries.remove(address);
    }

    synchronized int addresses() {
        return entries.size();
    }
}
