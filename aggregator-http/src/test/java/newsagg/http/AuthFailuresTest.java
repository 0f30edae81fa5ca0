package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class AuthFailuresTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final AuthFailures failures = new AuthFailures(now::get, 100);

    void fail(String address, int times) {
        for (int i = 0; i < times; i++) {
            failures.failed(address);
        }
    }

    @Test
    void anAddressMayFailFourTimesWithoutWaiting() {
        fail("10.0.0.1", AuthFailures.FREE_FAILURES - 1);

        assertThat(failures.lockedForMillis("10.0.0.1")).isZero();
    }

    @Test
    void theFifthFailureLocksForASecondAndEachFurtherOneDoublesTheLockUpToAMinute() {
        fail("10.0.0.1", AuthFailures.FREE_FAILURES);
        assertThat(failures.lockedForMillis("10.0.0.1")).isEqualTo(1_000);

        long[] expected = {2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
        for (long lock : expected) {
            now.addAndGet(failures.lockedForMillis("10.0.0.1"));
            failures.failed("10.0.0.1");
            assertThat(failures.lockedForMillis("10.0.0.1")).isEqualTo(lock);
        }
    }

    @Test
    void theLockRunsOutWithTime() {
        fail("10.0.0.1", AuthFailures.FREE_FAILURES);

        now.addAndGet(999);
        assertThat(failures.lockedForMillis("10.0.0.1")).isEqualTo(1);
        now.addAndGet(1);
        assertThat(failures.lockedForMillis("10.0.0.1")).isZero();
    }

    @Test
    void otherAddressesAreNotAffected() {
        fail("10.0.0.1", 10);

        assertThat(failures.lockedForMillis("10.0.0.2")).isZero();
    }

    @Test
    void aSuccessForgetsEarlierFailures() {
        fail("10.0.0.1", AuthFailures.FREE_FAILURES - 1);
        failures.succeeded("10.0.0.1");
        fail("10.0.0.1", AuthFailures.FREE_FAILURES - 1);

        assertThat(failures.lockedForMillis("10.0.0.1")).isZero();
    }

    @Test
    void aMinuteOfQuietAfterTheLockForgetsEarlierFailuresButLessDoesNot() {
        fail("10.0.0.1", AuthFailures.FREE_FAILURES);
        now.addAndGet(AuthFailures.FIRST_LOCK_MILLIS + AuthFailures.QUIET_MILLIS - 1);
        failures.failed("10.0.0.1");
        assertThat(failures.lockedForMillis("10.0.0.1")).as("still counted").isEqualTo(2_000);

        now.addAndGet(2_000 + AuthFailures.QUIET_MILLIS);
        fail("10.0.0.1", AuthFailures.FREE_FAILURES - 1);
        assertThat(failures.lockedForMillis("10.0.0.1")).as("forgotten").isZero();
    }

    @Test
    void everyAddressOfAnIpv6SlashSixtyFourCountsAsOneClient() {
        for (int i = 0; i < AuthFailures.FREE_FAILURES; i++) {
            failures.failed("2001:db8:1:2:" + Integer.toHexString(i) + "::" + Integer.toHexString(i + 1));
        }

        assertThat(failures.lockedForMillis("2001:db8:1:2:ffff:ffff:ffff:ffff")).isEqualTo(1_000);
        assertThat(failures.lockedForMillis("[2001:db8:1:2::9%eth0]")).isEqualTo(1_000);
        assertThat(failures.lockedForMillis("2001:db8:1:3::1")).as("the next /64").isZero();
        assertThat(AuthFailures.clientKey("2001:db8:1:2:abcd::1")).isEqualTo("2001:0db8:0001:0002::/64");
        assertThat(AuthFailures.clientKey("203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void failuresSpreadOverManyAddressesLockEveryoneForTheRestOfTheMinute() {
        AuthFailures global = new AuthFailures(now::get, 10_000, 50);
        for (int i = 0; i <= 50; i++) {
            global.failed("10.2.0." + i);
        }

        assertThat(global.lockedForMillis("10.9.9.9")).isEqualTo(AuthFailures.GLOBAL_WINDOW_MILLIS);
        now.addAndGet(AuthFailures.GLOBAL_WINDOW_MILLIS - 1);
        assertThat(global.lockedForMillis("10.9.9.9")).isEqualTo(1);
        now.addAndGet(1);
        assertThat(global.lockedForMillis("10.9.9.9")).isZero();
    }

    @Test
    void failuresWithinTheGlobalBudgetLockOnlyTheirOwnAddresses() {
        AuthFailures global = new AuthFailures(now::get, 10_000, 50);
        for (int i = 0; i < 50; i++) {
            global.failed("10.2.0." + i);
        }

        assertThat(global.lockedForMillis("10.9.9.9")).isZero();
    }

    @Test
    void aSprayOfAddressesIsBoundedInMemory() {
        for (int i = 0; i < 10_000; i++) {
            failures.failed("10.1." + (i / 256) + "." + (i % 256));
        }

        assertThat(failures.addresses()).isEqualTo(100);
    }
}
