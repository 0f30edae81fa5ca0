package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void controlCharactersAreEscapedSoNoLineCanBeForged() {
        assertThat(LogText.safe("news\nWARN admin token accepted\r\t\u0001\\"))
                .isEqualTo("news\\nWARN admin token accepted\\r\\t\\u0001\\\\")
                .doesNotContain("\n", "\r");
    }

    @Test
    void textPastTheCapIsCutAndCounted() {
        assertThat(LogText.safe("a".repeat(LogText.MAX_CHARS + 50))).isEqualTo("a".repeat(LogText.MAX_CHARS) + "…(50 more)");
        assertThat(LogText.safe((String) null)).isEqualTo("null");
    }

    @Test
    void anExceptionKeepsItsFramesAndCausesWithSafeMessages() {
        SQLException cause = new SQLException("ERROR: bad\nINFO forged");
        IllegalStateException error = new IllegalStateException("outer\ntext", cause);

        Throwable safe = LogText.safe(error);
        StringWriter printed = new StringWriter();
        safe.printStackTrace(new PrintWriter(printed));

        assertThat(safe.getStackTrace()).isEqualTo(error.getStackTrace());
        assertThat(safe.getCause().getStackTrace()).isEqualTo(cause.getStackTrace());
        assertThat(printed.toString())
                .contains("java.lang.IllegalStateException: outer\\ntext", "java.sql.SQLException: ERROR: bad\\nINFO forged")
                .doesNotContain("bad\nINFO");
    }
}
