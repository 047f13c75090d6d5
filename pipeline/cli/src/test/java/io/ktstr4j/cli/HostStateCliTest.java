package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.hoststate.CaptureFiles;
import io.ktstr4j.schemas.event.HostStateSnapshot;
import io.ktstr4j.schemas.hoststate.CapturePhase;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostStateCliTest extends CliFixture {

    @Test
    void captureWritesAKtstrFileOfTheHostsThreads() throws Exception {
        Path f = tmp.resolve("a.hst.zst");
        assertThat(Main.execute(services(99_000, null), "host-state", "capture", "-o", f.toString())).isZero();
        assertThat(out().strip()).isEqualTo(f.toString());
        assertThat(err()).startsWith("host-state: captured 2 threads of fixture-host in ")
                .contains("0 vanished during the walk, 8 readings not taken").contains("-> " + f);
        HostStateSnapshot s = CaptureFiles.read(f);
        assertThat(s.phase()).isEqualTo(CapturePhase.MANUAL);
        assertThat(s.threads()).extracting(t -> t.pcomm()).containsExactly("sshd", "stress-ng");
    }

    @Test
    void aRunCapturesTheHostBeforeAndAfterAndItsResultsNameBothFiles() throws Exception {
        Path dir = tmp.resolve("out");
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--out", dir.toString(), "--project-dir", tmp.toString(), "--quiet"))
                .isZero();
        List<SidecarResult> sidecars = CliTest.sidecars(dir.resolve("unknown-unknown"));
        assertThat(sidecars).hasSize(1);
        SidecarResult r = sidecars.get(0);
        Path before = Path.of(r.hostState().before());
        Path after = Path.of(r.hostState().after());
        assertThat(before).isEqualTo(dir.resolve("host-state/" + r.runId() + ".before.hst.zst").toAbsolutePath());
        assertThat(after.getFileName().toString()).isEqualTo(r.runId() + ".after.hst.zst");
        HostStateSnapshot b = CaptureFiles.read(before);
        HostStateSnapshot a = CaptureFiles.read(after);
        assertThat(b.runId()).isEqualTo(r.runId()).isEqualTo(a.runId());
        assertThat(b.phase()).isEqualTo(CapturePhase.BEFORE_RUN);
        assertThat(a.phase()).isEqualTo(CapturePhase.AFTER_RUN);
        assertThat(a.capturedAtUnixNs()).isGreaterThanOrEqualTo(b.capturedAtUnixNs());
        assertThat(err()).isEmpty();
    }

    @Test
    void withoutOutTheCapturesGoToTheCacheAndNoHostStateTurnsThemOff() throws Exception {
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--project-dir", tmp.toString(), "--quiet", "--json")).isZero();
        String runId = io.ktstr4j.schemas.json.Json.readTree(out().strip(), "stdout").get("run_id").asText();
        assertThat(tmp.resolve("cache/host-state/" + runId + ".before.hst.zst")).isRegularFile();
        assertThat(tmp.resolve("cache/host-state/" + runId + ".after.hst.zst")).isRegularFile();

        out.reset();
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--project-dir", tmp.toString(), "--quiet", "--json", "--no-host-state"))
                .isZero();
        String second = io.ktstr4j.schemas.json.Json.readTree(out().strip(), "stdout").get("run_id").asText();
        try (var files = Files.list(tmp.resolve("cache/host-state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(second));
        }
    }

    @Test
    void watchNeedsSomewhereToPutTheCapturesAndWritesThemToDir() throws Exception {
        assertThat(Main.execute(services(99_000, null), "host-state", "watch")).isEqualTo(2);
        assertThat(err()).contains("--kafka HOST:PORT and/or --dir DIR");
        err.reset();
        Path dir = tmp.resolve("watch");
        assertThat(Main.execute(services(99_000, null), "host-state", "watch", "--dir", dir.toString(), "--interval",
                "100ms", "--count", "3")).isZero();
        try (var files = Files.list(dir)) {
            List<HostStateSnapshot> got = files.sorted().map(CaptureFiles::read).toList();
            assertThat(got).hasSize(3).allSatisfy(s -> assertThat(s.phase()).isEqualTo(CapturePhase.SCHEDULED));
        }
        assertThat(err().lines().filter(l -> l.startsWith("host-state: captured"))).hasSize(3);
    }

    @Test
    void compareListsTheBurnerFirstInTextAndJson() throws Exception {
        io.ktstr4j.hoststate.Fixtures.CapturePair p = io.ktstr4j.hoststate.Fixtures.burner();
        Path a = tmp.resolve("before.hst.zst");
        Path b = tmp.resolve("after.hst.zst");
        CaptureFiles.write(a, p.baseline());
        CaptureFiles.write(b, p.candidate());
        assertThat(Main.execute(services(99_000, null), "host-state", "compare", a.toString(), b.toString(),
                "--limit", "3")).as(err()).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).startsWith("pcomm").contains("metric").contains("delta");
        assertThat(lines.get(1)).startsWith("stress-ng").contains("run_time_ns");
        assertThat(out()).contains("more rows");

        out.reset();
        assertThat(Main.execute(services(99_000, null), "host-state", "compare", a.toString(), b.toString(),
                "--json")).isZero();
        var json = io.ktstr4j.schemas.json.Json.readTree(out(), "stdout");
        assertThat(json.get("rows").get(0).get("group").asText()).isEqualTo("stress-ng");
        assertThat(json.get("busiest").get(0).get("group").asText()).isEqualTo("stress-ng");
        assertThat(json.get("busiest").get(0).get("cpu").asDouble()).isCloseTo(0.76, org.assertj.core.data.Offset
                .offset(0.001));
    }

    @Test
    void compareFindsARunsCapturesByReferenceInTheRunsFolder() throws Exception {
        Path dir = tmp.resolve("out");
        assertThat(Main.execute(services(99_000, null), "run", plan.toString(), "--kernel", kernel.toString(),
                "--topology", "tiny-2llc", "--out", dir.toString(), "--project-dir", tmp.toString(), "--quiet",
                "--json")).isZero();
        String runId = io.ktstr4j.schemas.json.Json.readTree(out().strip(), "stdout").get("run_id").asText();
        out.reset();
        assertThat(Main.execute(services(99_000, null), "host-state", "compare", "run:" + runId + ":before",
                "run:" + runId + ":after", "--dir", dir.resolve("host-state").toString())).as(err()).isZero();
        assertThat(out()).contains("stress-ng");
        assertThat(Main.execute(services(99_000, null), "host-state", "compare", "run:nope:before",
                "run:" + runId + ":after", "--dir", dir.resolve("host-state").toString())).isEqualTo(2);
        assertThat(err()).contains("A: run:nope:before: ").contains("nope.before.hst.zst: no such file");
    }

    @Test
    void badInputIsOneLineNamingTheFileAndExitTwo() throws Exception {
        Path good = tmp.resolve("good.hst.zst");
        CaptureFiles.write(good, io.ktstr4j.hoststate.Fixtures.burner().baseline());
        Path truncated = tmp.resolve("cut.hst.zst");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        Path text = Files.writeString(tmp.resolve("notes.txt"), "not a capture");
        String[][] cases = {
            {truncated.toString(), good.toString(), truncated + ": truncated zstd stream"},
            {good.toString(), text.toString(), text + ": not a host-state capture"},
            {good.toString(), "host:x@yesterday", "B: 'yesterday' is not an ISO instant"},
            {good.toString(), "host:x@latest", "B: host:x@latest: a host reference is looked up on Kafka"},
            {good.toString(), "run:r1:during", "B: 'run:r1:during' is not run:<run_id>:before"},
        };
        for (String[] c : cases) {
            err.reset();
            assertThat(Main.execute(services(99_000, null), "host-state", "compare", c[0], c[1])).as(c[2])
                    .isEqualTo(2);
            assertThat(err().lines()).hasSize(1).first().asString()
                    .startsWith("ktstr4j host-state compare: ").contains(c[2]);
        }
        err.reset();
        assertThat(Main.execute(services(99_000, null), "host-state", "compare", good.toString(), good.toString(),
                "--cgroup-flatten", "/kubepods/*")).isEqualTo(2);
        assertThat(err()).contains("--cgroup-flatten only acts with --group-by cgroup");
    }

    @Test
    @org.junit.jupiter.api.Tag("slow") // the publisher's connect timeouts: about 12 s
    void watchWithKafkaAwayKeepsEveryCaptureInTheSpool() throws Exception {
        Path spool = tmp.resolve("spool");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        assertThat(Main.execute(services(99_000, null), "host-state", "watch", "--kafka", "127.0.0.1:" + port,
                "--kafka-fallback", "spool", "--kafka-spool", spool.toString(), "--kafka-drain-timeout", "0",
                "--interval", "100ms", "--count", "2")).as(err()).isZero();
        assertThat(err()).contains("events go to the spool").contains("2 events produced = 0 acked + 2 spooled");
        try (var files = Files.walk(spool)) {
            assertThat(files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum()).isPositive();
        }
    }
}
