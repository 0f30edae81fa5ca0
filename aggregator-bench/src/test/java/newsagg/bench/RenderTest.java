package newsagg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class RenderTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void markdownHasOneRowPerEndpointWithTheThroughputRatio() throws IOException {
        Path a = result("a.json", "baseline", endpoint("newest", 1000, 2.0, 5.0, 20.0, 0),
                endpoint("search", 50, 100.0, 300.0, 800.0, 3));
        Path b = result("b.json", "cached", endpoint("newest", 2500, 1.0, 2.0, 4.0, 0),
                endpoint("search", 40, 120.0, 350.0, 900.0, 0));
        Path md = dir.resolve("out.md");

        assertThat(render(a.toString(), b.toString(), "--out-md", md.toString())).isZero();

        List<String> rows = tableRows(Files.readString(md));
        assertThat(rows).containsExactly(
                "| newest | 1,000.0 | 2,500.0 | 2.50× | 2.00 | 1.00 | 20.00 | 4.00 | 0 | 0 |",
                "| search | 50.0 | 40.0 | 0.80× | 100.00 | 120.00 | 800.00 | 900.00 | 3 | 0 |");
        assertThat(Files.readString(md)).contains("A: baseline").contains("B: cached");
    }

    @Test
    void anEndpointMeasuredOnOneSideOnlyGetsDashesAndNoRatio() throws IOException {
        Path a = result("a.json", "a", endpoint("newest", 1000, 2.0, 5.0, 20.0, 0));
        Path b = result("b.json", "b", endpoint("newest", 1000, 2.0, 5.0, 20.0, 0),
                endpoint("mix", 300, 10.0, 50.0, 200.0, 1));

        assertThat(render(a.toString(), b.toString())).isZero();

        assertThat(tableRows(out.toString(StandardCharsets.UTF_8))).containsExactly(
                "| newest | 1,000.0 | 1,000.0 | 1.00× | 2.00 | 2.00 | 20.00 | 20.00 | 0 | 0 |",
                "| mix | – | 300.0 | – | – | 10.00 | – | 200.00 | – | 1 |");
    }

    @Test
    void svgParsesAsXmlWithOneBarGroupPerEndpoint() throws Exception {
        Path a = result("a.json", "a & <b>", endpoint("newest", 1000, 0.5, 5.0, 20.0, 0),
                endpoint("article", 900, 0.2, 0.9, 3.0, 0), endpoint("trending_24h", 10, 600.0, 650.0, 700.0, 0));
        Path b = result("b.json", "b", endpoint("newest", 2000, 0.4, 4.0, 10.0, 0),
                endpoint("article", 950, 0.2, 0.8, 2.5, 0), endpoint("trending_24h", 500, 5.0, 9.0, 30.0, 0));
        Path svg = dir.resolve("chart.svg");

        assertThat(render(a.toString(), b.toString(), "--out-md", dir.resolve("x.md").toString(),
                "--out-svg", svg.toString())).isZero();

        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        List<Element> groups = groupsOfClass(doc, "endpoint");
        assertThat(groups).extracting(g -> g.getAttribute("data-endpoint"))
                .containsExactly("newest", "article", "trending_24h");
        for (Element group : groups) {
            assertThat(group.getElementsByTagNameNS("*", "rect").getLength()).as("bars of " + group.getAttribute("data-endpoint"))
                    .isEqualTo(6);
        }
        assertThat(groupsOfClass(doc, "legend").get(0).getTextContent()).contains("A p50", "A p99", "B p50", "B p99");
    }

    @Test
    void svgBarsAreTallerForSlowerPercentilesOnTheLogScale() throws Exception {
        Path a = result("a.json", "a", endpoint("search", 50, 1.0, 10.0, 100.0, 0));
        Path b = result("b.json", "b", endpoint("search", 50, 1.0, 10.0, 100.0, 0));
        Path svg = dir.resolve("chart.svg");

        assertThat(render(a.toString(), b.toString(), "--out-md", dir.resolve("x.md").toString(),
                "--out-svg", svg.toString())).isZero();

        NodeList bars = groupsOfClass(parse(svg), "endpoint").get(0).getElementsByTagNameNS("*", "rect");
        double p50 = Double.parseDouble(((Element) bars.item(0)).getAttribute("height"));
        double p90 = Double.parseDouble(((Element) bars.item(1)).getAttribute("height"));
        double p99 = Double.parseDouble(((Element) bars.item(2)).getAttribute("height"));
        assertThat(p90).isGreaterThan(p50);
        // A log scale puts each tenfold step the same distance apart.
        assertThat(p99 - p90).isCloseTo(p90 - p50, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void medianModeTakesThePerEndpointMedianOfEachSide() throws IOException {
        Path a1 = result("a1.json", "base", endpoint("newest", 900, 2.0, 5.0, 30.0, 0));
        Path a2 = result("a2.json", "base", endpoint("newest", 1100, 1.0, 5.0, 10.0, 0));
        Path a3 = result("a3.json", "base", endpoint("newest", 1000, 3.0, 5.0, 20.0, 0));
        Path b1 = result("b1.json", "new", endpoint("newest", 3000, 1.0, 2.0, 4.0, 0));
        Path b2 = result("b2.json", "new", endpoint("newest", 2000, 1.0, 2.0, 6.0, 0));
        Path b3 = result("b3.json", "new", endpoint("newest", 2500, 1.0, 2.0, 5.0, 0));

        assertThat(render("--median", a1.toString(), a2.toString(), a3.toString(), "--",
                b1.toString(), b2.toString(), b3.toString())).isZero();

        String md = out.toString(StandardCharsets.UTF_8);
        assertThat(tableRows(md)).containsExactly("| newest | 1,000.0 | 2,500.0 | 2.50× | 2.00 | 1.00 | 20.00 | 5.00 | 0 | 0 |");
        assertThat(md).contains("A: base (median of 3)").contains("B: new (median of 3)");
    }

    @Test
    void medianOfAnEvenNumberOfRunsAveragesTheMiddleTwo() {
        assertThat(LoadResult.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(LoadResult.median(new double[] {Double.NaN, 7})).isEqualTo(7);
    }

    @Test
    void wrongArgumentsAreRejectedWithUsage() throws IOException {
        Path a = result("a.json", "a", endpoint("newest", 1, 1, 1, 1, 0));

        assertThat(render(a.toString())).isEqualTo(2);
        assertThat(render("--median", a.toString())).isEqualTo(2);
        assertThat(render(a.toString(), a.toString(), "--bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: Render");
    }

    @Test
    void aFileThatIsNotALoadTestResultIsAClearError() throws IOException {
        Path a = result("a.json", "a", endpoint("newest", 1, 1, 1, 1, 0));
        Path other = Files.writeString(dir.resolve("other.json"), "{\"hello\": 1}");

        assertThat(render(a.toString(), other.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("other.json").contains("no \"endpoints\" object");
    }

    private int render(String... args) {
        return Render.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String endpoint(String name, double reqS, double p50, double p90, double p99, int errors) {
        return """
                "%s": {"requests": 100, "req_s": %s, "p50_ms": %s, "p90_ms": %s, "p99_ms": %s, "max_ms": %s,
                       "errors": %d, "non_2xx": %d, "server": {"count": 100, "mean_ms": 0.5, "p50_ms": 0.4, "p99_ms": 1.0}}"""
                .formatted(name, reqS, p50, p90, p99, p99 * 2, errors, errors);
    }

    private Path result(String file, String label, String... endpoints) throws IOException {
        String json = """
                {"label": "%s", "date": "2025-01-01T00:00:00Z", "git_commit": "abc1234",
                 "wrk": {"threads": 2, "connections": 32, "duration_s": 30},
                 "endpoints": {%s}}""".formatted(label.replace("\"", "\\\""), String.join(",\n", endpoints));
        return Files.writeString(dir.resolve(file), json);
    }

    private static List<String> tableRows(String markdown) {
        return markdown.lines()
                .filter(line -> line.startsWith("| ") && !line.startsWith("| endpoint"))
                .toList();
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static List<Element> groupsOfClass(Document doc, String cssClass) {
        NodeList groups = doc.getElementsByTagNameNS("*", "g");
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            if (cssClass.equals(group.getAttribute("class"))) {
                found.add(group);
            }
        }
        return found;
    }
}
