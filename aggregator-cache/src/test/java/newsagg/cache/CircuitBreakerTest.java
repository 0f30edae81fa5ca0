package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import newsagg.cache.CircuitBreaker.State;

class CircuitBreakerTest {

    private static final Duration COOL_DOWN = Duration.ofSeconds(5);

    private final FakeTicker ticker = new FakeTicker();
    private final CircuitBreaker breaker = new CircuitBreaker(3, COOL_DOWN, ticker);

    @Test
    void closedBreakerLetsEveryCallThrough() {
        for (int i = 0; i < 10; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onSuccess();
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void successResetsTheFailureCount() {
        fail(2);
        breaker.tryAcquire();
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void openBreakerRefusesUntilTheCoolDownHasPassed() {
        fail(3);
        ticker.advance(COOL_DOWN.minusMillis(1));
        assertThat(breaker.tryAcquire()).isFalse();
        ticker.advance(Duration.ofMillis(1));
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void halfOpenBreakerLetsExactlyOneProbeThrough() {
        fail(3);
        ticker.advance(COOL_DOWN);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void successfulProbeClosesTheBreaker() {
        fail(3);
        ticker.advance(COOL_DOWN);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void failedProbeOpensTheBreakerForAnotherFullCoolDown() {
        fail(3);
        ticker.advance(COOL_DOWN);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        ticker.advance(COOL_DOWN.minusMillis(1));
        assertThat(breaker.tryAcquire()).isFalse();
        ticker.advance(Duration.ofMillis(1));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void probeThatNeverReportsIsReplacedAfterACoolDown() {
        fail(3);
        ticker.advance(COOL_DOWN);
        assertThat(breaker.tryAcquire()).isTrue();
        ticker.advance(COOL_DOWN.minusMillis(1));
        assertThat(breaker.tryAcquire()).isFalse();
        ticker.advance(Duration.ofMillis(1));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> new CircuitBreaker(0, COOL_DOWN, ticker))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new CircuitBreaker(1, Duration.ZERO, ticker))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cool-down");
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
    }
}
