package newsagg.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FeedPollerSettingsTest {

    @Test
    void default_tick_is_the_poll_interval_capped_at_thirty_seconds() {
        assertThat(FeedPoller.Settings.defaults(Duration.ofMinutes(15)).tick()).isEqualTo(Duration.ofSeconds(30));
        assertThat(FeedPoller.Settings.defaults(Duration.ofSeconds(5)).tick()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void defaults_are_four_workers_and_a_ten_minute_lease() {
        FeedPoller.Settings s = FeedPoller.Settings.defaults(Duration.ofMinutes(15));
        assertThat(s.workers()).isEqualTo(4);
        assertThat(s.lease()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void invalid_values_are_rejected_with_the_setting_named() {
        assertThatThrownBy(() -> FeedPoller.Settings.defaults(Duration.ofMinutes(1)).withWorkers(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
        assertThatThrownBy(() -> FeedPoller.Settings.defaults(Duration.ofMinutes(1)).withTick(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tick");
        assertThatThrownBy(() -> FeedPoller.Settings.defaults(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval");
    }
}
