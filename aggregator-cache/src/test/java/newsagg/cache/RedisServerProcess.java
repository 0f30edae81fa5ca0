package newsagg.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;

/** A private {@code redis-server} child process on a port of its own, which a test may kill and restart. */
final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private Process process;

    RedisServerProcess(int port) {
        this.port = port;
    }

    URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts the server and waits until it answers PING. */
    void start() {
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server could not be started", e);
        }
        RedisEndpoint endpoint = new RedisEndpoint(url());
        if (!Poll.until(() -> endpoint.ping(Duration.ofMillis(200)), Duration.ofSeconds(10))) {
            kill();
            throw new IllegalStateException("redis-server on port " + port + " did not answer PING");
        }
    }

    /** SIGKILL, as a crash would; waits for the process to be gone. */
    void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        kill();
    }
}
