package io.ktstr4j.cli;

import io.ktstr4j.pipeline.RunSummary;
import io.ktstr4j.schemas.verdict.Outcome;
import io.ktstr4j.schemas.verdict.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code run --junit FILE}: the run as a JUnit XML report, the format CI systems render (Jenkins, GitLab, GitHub
 * actions that read surefire reports). One {@code testsuite} for the run, one {@code testcase} per variant (classname
 * the test, name the variant key, time its wall time): FAIL and INCONCLUSIVE are a {@code failure}, ERROR and a
 * variant cancelled before its verdict an {@code error}, SKIP {@code skipped}; the first reason is the message, every
 * reason the text. Written through a temporary file and a rename, with what finished, also when the run did not.
 */
final class JunitReport {
    private JunitReport() {
    }

    static void write(Path file, String runId, String host, Instant started, List<RunSummary> done,
                      List<String> cancelled) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
                x.writeStartDocument("UTF-8", "1.0");
                x.writeCharacters("\n");
                x.writeStartElement("testsuite");
                x.writeAttribute("name", "ktstr4j run " + runId);
                x.writeAttribute("tests", Integer.toString(done.size() + cancelled.size()));
                x.writeAttribute("failures", Long.toString(count(done, Outcome.FAIL)
                        + count(done, Outcome.INCONCLUSIVE)));
                x.writeAttribute("errors", Long.toString(count(done, Outcome.ERROR) + cancelled.size()));
                x.writeAttribute("skipped", Long.toString(count(done, Outcome.SKIP)));
                x.writeAttribute("time", seconds(done.stream().mapToLong(s -> s.timings().wallMs()).sum()));
                x.writeAttribute("timestamp", started.truncatedTo(ChronoUnit.SECONDS).toString());
                if (host != null) {
                    x.writeAttribute("hostname", host);
                }
                for (RunSummary s : done) {
                    testcase(x, s);
                }
                for (String key : cancelled) {
                    start(x, key, 0);
                    problem(x, "error", "Cancelled", "the variant ended without a verdict (the run was stopped or "
                            + "failed while it ran)", "");
                    end(x);
                }
                x.writeCharacters("\n");
                x.writeEndElement();
                x.writeEndDocument();
                x.close();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (XMLStreamException e) {
            throw new IOException("--junit " + file + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void testcase(XMLStreamWriter x, RunSummary s) throws XMLStreamException {
        start(x, s.streamKey(), s.timings().wallMs());
        Outcome o = s.verdict().outcome();
        List<Reason> reasons = s.verdict().reasons();
        String first = reasons.isEmpty() ? o.name() : reasons.get(0).message();
        String type = reasons.isEmpty() ? o.name() : reasons.get(0).kind().jsonName();
        StringBuilder all = new StringBuilder();
        for (Reason r : reasons) {
            all.append(r.kind().jsonName()).append(": ").append(r.message()).append('\n');
        }
        switch (o) {
            case FAIL, INCONCLUSIVE -> problem(x, "failure", type, (o == Outcome.INCONCLUSIVE ? "INCONCLUSIVE: " : "")
                    + first, all.toString());
            case ERROR -> problem(x, "error", type, first, all.toString());
            case SKIP -> {
                x.writeEmptyElement("skipped");
                x.writeAttribute("message", first);
            }
            case PASS -> { }
        }
        end(x);
    }

    private static void start(XMLStreamWriter x, String variantKey, long wallMs) throws XMLStreamException {
        x.writeCharacters("\n  ");
        x.writeStartElement("testcase");
        x.writeAttribute("classname", variantKey.contains("/") ? variantKey.substring(0, variantKey.indexOf('/'))
                : variantKey);
        x.writeAttribute("name", variantKey);
        x.writeAttribute("time", seconds(wallMs));
    }

    private static void problem(XMLStreamWriter x, String element, String type, String message, String text)
            throws XMLStreamException {
        x.writeStartElement(element);
        x.writeAttribute("message", message);
        x.writeAttribute("type", type);
        x.writeCharacters(text);
        x.writeEndElement();
    }

    private static void end(XMLStreamWriter x) throws XMLStreamException {
        x.writeEndElement();
    }

    private static long count(List<RunSummary> done, Outcome o) {
        return done.stream().filter(s -> s.verdict().outcome() == o).count();
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
