package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code run --junit FILE}: the report a CI system renders, parsed back as XML. */
class JunitReportTest extends CliFixture {

    static Document parse(Path f) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());
    }

    @Test
    void passingVariantsAreTestcasesWithoutProblems() throws Exception {
        Path f = tmp.resolve("reports/junit.xml");
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc,tiny-1llc", "--junit", f.toString(), "--quiet", "--no-host-state")).isZero();
        Element suite = parse(f).getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("0");
        assertThat(suite.getAttribute("errors")).isEqualTo("0");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(2);
        Element first = (Element) cases.item(0);
        assertThat(first.getAttribute("classname")).isEqualTo("steady");
        assertThat(first.getAttribute("name")).isEqualTo("steady/tiny-2llc/eevdf");
        assertThat(first.getAttribute("time")).matches("\\d+\\.\\d{3}");
        assertThat(first.getChildNodes().getLength()).isZero();
        assertThat(tmp.resolve("reports")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aFailingVariantIsAFailureWithItsReasons() throws Exception {
        Path f = tmp.resolve("junit.xml");
        assertThat(Main.execute(services(0, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--junit", f.toString(), "--quiet", "--no-host-state")).isEqualTo(1);
        Element suite = parse(f).getDocumentElement();
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        Element failure = (Element) suite.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("Starved");
        assertThat(failure.getAttribute("message")).contains("did 0 work units");
        assertThat(failure.getTextContent()).startsWith("Starved: ");
    }

    @Test
    void anInfrastructureErrorIsAnError() throws Exception {
        Path f = tmp.resolve("junit.xml");
        Main.execute(services(99_000, new io.ktstr4j.vmm.VmConfigException("no backend here")), "run",
                plan.toString(), "--kernel", kernel.toString(), "--topology", "tiny-2llc", "--junit", f.toString(),
                "--quiet", "--no-host-state");
        Element suite = parse(f).getDocumentElement();
        assertThat(suite.getAttribute("tests")).isEqualTo("1");
        assertThat(suite.getAttribute("errors")).isEqualTo("1");
        assertThat(suite.getElementsByTagName("error").getLength()).isEqualTo(1);
    }

    @Test
    void aDirectoryIsRefusedBeforeAnythingRuns() throws Exception {
        Files.createDirectories(tmp.resolve("d"));
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--junit", tmp.resolve("d").toString())).isEqualTo(2);
        assertThat(err()).contains("--junit: ").contains("is a directory");
    }
}
