package newsagg.core.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DateParserTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Tue, 10 Jun 2003 04:00:00 GMT         | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 UT          | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 UTC         | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 +0000       | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 -0000       | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 +0530       | 2003-06-09T22:30:00Z
            Tue, 10 Jun 2003 04:00:00 +05:30      | 2003-06-09T22:30:00Z
            Tue, 10 Jun 2003 04:00:00 -08         | 2003-06-10T12:00:00Z
            Tue, 10 Jun 2003 04:00:00 EST         | 2003-06-10T09:00:00Z
            Tue, 10 Jun 2003 04:00:00 EDT         | 2003-06-10T08:00:00Z
            Tue, 10 Jun 2003 04:00:00 CST         | 2003-06-10T10:00:00Z
            Tue, 10 Jun 2003 04:00:00 CDT         | 2003-06-10T09:00:00Z
            Tue, 10 Jun 2003 04:00:00 MST         | 2003-06-10T11:00:00Z
            Tue, 10 Jun 2003 04:00:00 MDT         | 2003-06-10T10:00:00Z
            Tue, 10 Jun 2003 04:00:00 PST         | 2003-06-10T12:00:00Z
            Tue, 10 Jun 2003 04:00:00 PDT         | 2003-06-10T11:00:00Z
            Tue, 10 Jun 2003 04:00:00 CET         | 2003-06-10T03:00:00Z
            Tue, 10 Jun 2003 04:00:00 CEST        | 2003-06-10T02:00:00Z
            Tue, 10 Jun 2003 04:00:00 BST         | 2003-06-10T03:00:00Z
            Tue, 10 Jun 2003 04:00:00 IST         | 2003-06-09T22:30:00Z
            Tue, 10 Jun 2003 04:00:00 JST         | 2003-06-09T19:00:00Z
            Tue, 10 Jun 2003 04:00:00 AEST        | 2003-06-09T18:00:00Z
            Tue, 10 Jun 2003 04:00:00 Z           | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 A           | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 Y           | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 gmt         | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00 +0000 (UTC) | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00:00             | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003 04:00 GMT            | 2003-06-10T04:00:00Z
            10 Jun 2003 04:00:00 GMT              | 2003-06-10T04:00:00Z
            Tue,10 Jun 2003 04:00:00 GMT          | 2003-06-10T04:00:00Z
            Tuesday, 10 June 2003 04:00:00 GMT    | 2003-06-10T04:00:00Z
            Tue, 10 Sept 2003 04:00:00 GMT        | 2003-09-10T04:00:00Z
            Tue, 3 Jun 2003 4:05:06 GMT           | 2003-06-03T04:05:06Z
            Thu, 07 Dec 17 10:00:29 -0800         | 2017-12-07T18:00:29Z
            Sun, 10 Dec 17 13:01:36 -0800         | 2017-12-10T21:01:36Z
            Fri, 01 Jan 99 00:00:00 GMT           | 1999-01-01T00:00:00Z
            10-Jun-2003 04:00:00 GMT              | 2003-06-10T04:00:00Z
            '  Mon, 01 Jan 2001 00:00:00 GMT  '   | 2001-01-01T00:00:00Z
            Wed, 17 Jan 2018 15:50:00 EST         | 2018-01-17T20:50:00Z
            2003-06-10T04:00:00Z                  | 2003-06-10T04:00:00Z
            2003-06-10T04:00:00z                  | 2003-06-10T04:00:00Z
            2003-06-10T04:00:00+02:00             | 2003-06-10T02:00:00Z
            2003-06-10T04:00:00-0500              | 2003-06-10T09:00:00Z
            2003-06-10T04:00:00.123Z              | 2003-06-10T04:00:00.123Z
            2003-06-10T04:00:00.123456789+00:00   | 2003-06-10T04:00:00.123456789Z
            2003-06-10T04:00:00.1234567891Z       | 2003-06-10T04:00:00.123456789Z
            2003-06-10T04:00:00                   | 2003-06-10T04:00:00Z
            2003-06-10T04:00+00:00                | 2003-06-10T04:00:00Z
            2001-01-01T00:00+00:00                | 2001-01-01T00:00:00Z
            2003-06-10 04:00:00                   | 2003-06-10T04:00:00Z
            2003-06-10 04:00:00 UTC               | 2003-06-10T04:00:00Z
            2003-06-10                            | 2003-06-10T00:00:00Z
            Tue, 10 Jun 2003                      | 2003-06-10T00:00:00Z
            10 Jun 2003                           | 2003-06-10T00:00:00Z
            10 Jun 2003 GMT                       | 2003-06-10T00:00:00Z
            Tue, 10, Jun 2003 04:00:00 GMT        | 2003-06-10T04:00:00Z
            Tue, 10 Jun, 2003 04:00:00 GMT        | 2003-06-10T04:00:00Z
            Tue, 10 Jun 2003, 04:00:00 GMT        | 2003-06-10T04:00:00Z
            Sun Jul 15 01:16:00 +0000 2012        | 2012-07-15T01:16:00Z
            Sun Jul 15 01:16:00 2012              | 2012-07-15T01:16:00Z
            Sun Jul 15 01:16:00 PDT 2012          | 2012-07-15T08:16:00Z
            'July 15, 2012'                       | 2012-07-15T00:00:00Z
            'Jul 15, 2012 01:16:00 PM EST'        | 2012-07-15T18:16:00Z
            'Sunday, July 15th, 2012 12:05 AM UTC' | 2012-07-15T00:05:00Z
            Tue, 10 Jun 2003 04:00:00 UTC         | 2003-06-10T04:00:00Z
            2003-06-10T04:00:00 UTC               | 2003-06-10T04:00:00Z
            1342314960                            | 2012-07-15T01:16:00Z
            1342314960000                         | 2012-07-15T01:16:00Z
            1234567890                            | 2009-02-13T23:31:30Z
            """)
    void accepted_date_forms(String raw, String expected) {
        assertThat(DateParser.parse(raw)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "   ", "yesterday", "not a date", "Tue, 32 Jun 2003 04:00:00 GMT",
            "Tue, 10 Foo 2003 04:00:00 GMT", "Tue, 10 Jun 2003 25:00:00 GMT", "Tue, 10 Jun 2003 04:00:00 XYZ",
            "Tue, 10 Jun 2003 04:00:00 +2500", "2003-13-10T04:00:00Z", "2003-02-30", "2003-06-10T04:00:00 garbage",
            "-0312", "12345", "Sun Jul 99 01:16:00 +0000 2012", "Jul 15, 2012 13:00 PM"})
    void garbage_gives_null(String raw) {
        assertThat(DateParser.parse(raw)).isNull();
    }

    /** Impossible values in a known shape are told apart from unknown text, so no lenient parser rolls them over. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            Tue, 99 Jun 2003 04:00:00 GMT | true
            Tue, 10 Jun 2003 25:00:00 GMT | true
            2003-06-99T04:00:00Z          | true
            2003-06-10T25:00:00Z          | true
            2003-13-10                    | true
            Sun Jul 15 25:16:00 +0000 2012 | true
            yesterday                     | false
            -0312                         | false
            20-07-15                      | false
            """)
    void impossible_dates_are_recognised_as_dates(String raw, boolean recognised) {
        assertThat(DateParser.recognised(raw)).isEqualTo(recognised);
        assertThat(DateParser.parse(raw)).isNull();
    }

    @Test
    void null_gives_null() {
        assertThat(DateParser.parse(null)).isNull();
    }
}
