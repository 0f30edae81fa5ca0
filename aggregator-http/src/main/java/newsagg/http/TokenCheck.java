package newsagg.http;

import io.javalin.http.Context;

/**
 * Guards endpoints with a {@link BearerToken} and slows guessing through {@link AuthFailures}. A refusal says
 * only "authentication required", never whether the token was missing or wrong, and neither the token nor the
 * {@code Authorization} header is ever logged.
 */
final class TokenCheck {

    private final BearerToken token;
    private final AuthFailures failures;

    TokenCheck(BearerToken token, AuthFailures failures) {
        this.token = token;
        this.failures = failures;
    }

    /** Returns when the request carries the token; otherwise throws a 401, or a 429 while its address is locked. */
    void require(Context ctx) {
        String address = ClientAddress.of(ctx);
        long lockedFor = failures.lockedForMillis(address);
        if (lockedFor > 0) {
            throw ApiException.tooManyFailures((lockedFor + 999) / 1000);
        }
        if (!token.matches(ctx.header("Authorization"))) {
            failures.failed(address);
            throw ApiException.unauthorized();
        }
        failures.succeeded(address);
    }
}
