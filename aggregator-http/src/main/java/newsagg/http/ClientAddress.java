package newsagg.http;

import io.javalin.http.Context;

/**
 * The one place that says which address a request comes from, for everything keyed by client (the token
 * throttle). Today that is the connection's peer address.
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static String of(Context ctx) {
        return ctx.ip();
    }
}
