package newsagg.http;

import io.javalin.http.Context;

/**
 * Guards endpoints with a {@link BearerToken} and slows guessing through {@link AuthFailures}. The right token is
 * always accepted, even from a locked address: behind NAT or a proxy the admin shares an address with others, and
 * their failures must not lock the admin out. A guess is therefore never refused for being made while locked, only
 * answered 429 when wrong, and what makes guessing hopeless is the token's randomness (README: 128 bits). A refusal
 * says only "authentication required", never whether the token was missing or wrong, and neither the token nor the
 * {@code Authorization} header is ever logged.
 */
final class TokenCheck {

    private final BearerToken token;
    private final AuthFailures failures;

    TokenCheck(BearerToken token, AuthFailures failures) {
        this.token = token;
        this.failures = failures;
    }

    /** Returns when the request carries the token; otherwise throws a 401, or a 429 while its client is locked. */
    void require(Context ctx) {
        String address = ClientAddress.of(ctx);
        if (token.matches(ctx.header("Authorization"))) {
            failures.succeeded(address);
            return;
        }
        long lockedFor = failures.lockedForMillis(address);
        if (lockedFor > 0) {
            throw ApiException.tooManyFailures((lockedFor + 999) / 1000);
        }
        failures.failed(address);
        throw ApiException.unauthorized();
    }
}
