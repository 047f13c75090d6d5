package io.ktstr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input to {@code ktstr4j run} is refused before any VM boots (the fake backend never sees a variant),
 * exits 2, and names what is wrong: the option, or the file and the JSON path / field / line in it.
 */
class BadInputCliTest extends CliFixture {

    /** Runs the CLI and checks the common contract: exit 2, nothing booted, nothing on stdout. Returns stderr. */
    private String refused(String... args) {
        int code = Main.execute(services(99_000, null), args);
        String e = err();
        assertThat(code).as("exit code; stderr: %s", e).isEqualTo(2);
        assertThat(e).as("no VM may boot").doesNotContain(": booting");
        assertThat(out()).as("no result line").isEmpty();
        return e;
    }

    private String[] run(String spec, String... more) {
        List<String> a = new ArrayList<>(List.of("run", spec, "--kernel", kernel.toString()));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    // --- options ------------------------------------------------------------------------------------------------

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of(List.of("--memory-mb", "0"), "--memory-mb: 0 MiB is below the minimum of 128 MiB"),
                Arguments.of(List.of("--memory-mb", "-5"), "--memory-mb: -5 MiB is below"),
                Arguments.of(List.of("--memory-mb", "lots"), "'--memory-mb'"),
                Arguments.of(List.of("--duration", "0"), "'--duration'"),
                Arguments.of(List.of("--duration", "soon"), "'--duration'"),
                Arguments.of(List.of("--watchdog", "-1s"), "'--watchdog'"),
                Arguments.of(List.of("--topology", "9x"), "--topology: '9x' is neither a preset"),
                Arguments.of(List.of("--topology", "tiny-2llc,1n3l2c1t2"), "--topology: '1n3l2c1t2'"),
                Arguments.of(List.of("--backend", "vmware"), "--backend: 'vmware' is not one of auto, kvm, qemu"),
                Arguments.of(List.of("--scheduler", "/nonexistent/scx_x"), "--scheduler: '/nonexistent/scx_x' is neither"),
                Arguments.of(List.of("--scheduler", "eevdf", "--scheduler-arg", "verbose"),
                        "--scheduler-arg: eevdf takes no scheduler arguments"),
                Arguments.of(List.of("--bogus"), "Unknown option: '--bogus'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void aBadOptionExitsTwoNamingTheOption(List<String> options, String expected) {
        String e = refused(run(plan.toString(), options.toArray(String[]::new)));
        assertThat(e).contains(expected);
    }

    @Test
    void optionsNamingWrongFilesAreRefusedNamingTheOptionAndTheFile() throws Exception {
        Path script = Files.writeString(tmp.resolve("scx_script"), "#!/bin/sh\nexit 0\n");
        assertThat(refused(run(plan.toString(), "--scheduler", script.toString())))
                .contains("--scheduler: " + script + ": not an ELF file");
        err.reset();
        Path file = Files.writeString(tmp.resolve("out-file"), "x");
        assertThat(refused(run(plan.toString(), "--out", file.toString())))
                .contains("--out: " + file + " exists and is not a directory");
        err.reset();
        assertThat(refused(run(plan.toString(), "--events", tmp.toString())))
                .contains("--events: " + tmp + " is a directory");
        err.reset();
        assertThat(refused(run(plan.toString(), "--project-dir", file.toString())))
                .contains("--project-dir: " + file + " is not a directory");
    }

    // --- kernels ------------------------------------------------------------------------------------------------

    /** Each bad kernel: how to make it, and what the message says after the file name. */
    static Stream<Arguments> badKernels() {
        return Stream.of(
                Arguments.of("empty", (KernelMaker) p -> Files.write(p, new byte[0]), " is empty"),
                Arguments.of("600 bytes", (KernelMaker) p -> Files.write(p, new byte[600]),
                        ": 600 bytes is too short for a bzImage"),
                Arguments.of("0x250 bytes", (KernelMaker) p -> Files.write(p, new byte[0x250]),
                        ": 592 bytes is too short for a bzImage"),
                Arguments.of("not a kernel", (KernelMaker) p -> Files.write(p, new byte[4096]),
                        ": not a bzImage (no 0xAA55 boot flag"),
                Arguments.of("truncated bzImage", (KernelMaker) p -> {
                    byte[] whole = Files.readAllBytes(fakeKernel(p));
                    Files.write(p, Arrays.copyOf(whole, 700));
                }, ": truncated: header says 1 setup sectors"),
                Arguments.of("aarch64 ELF", (KernelMaker) p -> Files.write(p, elfHeader(183)),
                        ": ELF machine 183 is not x86_64 (62)"),
                Arguments.of("folder", (KernelMaker) Files::createDirectories,
                        " is a folder without a kernel image (looked for metadata.json's image, bzImage, "
                                + "arch/x86/boot/bzImage)"));
    }

    interface KernelMaker {
        void make(Path p) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badKernels")
    void aBadKernelIsRefusedNamingTheFile(String what, KernelMaker maker, String expected) throws Exception {
        Path k = tmp.resolve("kernels").resolve(what.replace(' ', '_'));
        Files.createDirectories(k.getParent());
        maker.make(k);
        String e = refused("run", plan.toString(), "--kernel", k.toString());
        assertThat(e).containsPattern("--kernel:? " + java.util.regex.Pattern.quote(k.toString())).contains(expected);
    }

    @Test
    void anUnreadableKernelIsRefusedNamingTheFile() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "root reads a file whatever its mode, so an unreadable kernel cannot be made");
        Path k = fakeKernel(tmp.resolve("locked-bzImage"));
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("---------"));
        assertThat(refused("run", plan.toString(), "--kernel", k.toString()))
                .contains("--kernel: " + k + " is not readable");
    }

    @Test
    void aSpecsOwnKernelIsReadFromItsFolderAndChecked() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("specs"));
        Path spec = Files.writeString(dir.resolve("k.json"), "{\"name\": \"k\", \"scenario\": \"steady\", "
                + "\"kernel\": \"kernels/bzImage\"}");
        String e = refused("run", spec.toString());
        assertThat(e).contains(spec + ": kernel " + dir.resolve("kernels/bzImage") + ": no such file ("
                + dir.resolve("kernels/bzImage") + ")");
        err.reset();
        fakeKernel(Files.createDirectories(dir.resolve("kernels")).resolve("bzImage"));
        assertThat(Main.execute(services(99_000, null), "run", spec.toString(), "--quiet")).isZero();
    }

    static byte[] elfHeader(int machine) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) machine).putInt(20, 1);
        return b.array();
    }

    // --- test spec, topology and inline plan: one bad value per field --------------------------------------------

    static Stream<Arguments> badSpecFields() {
        return Stream.of(
                Arguments.of("\"name\": \"\"", "name"),
                Arguments.of("\"topology\": \"3x\"", "topology"),
                Arguments.of("\"topology\": {\"numa_nodes\": 2, \"llcs\": 3, \"cores_per_llc\": 2, "
                        + "\"threads_per_core\": 1}", "topology.llcs: 3 is not a multiple of numa_nodes (2)"),
                Arguments.of("\"topology\": {\"numa_nodes\": 1, \"llcs\": 1, \"cores_per_llc\": 2, "
                        + "\"threads_per_core\": 3}", "topology"),
                Arguments.of("\"scheduler\": {\"kind\": \"bpf\"}", "scheduler: unknown type 'bpf'"),
                Arguments.of("\"scheduler\": {\"kind\": \"path\"}", "scheduler"),
                Arguments.of("\"scheduler\": {\"kind\": \"path\", \"binary\": \"./scx_none\"}",
                        "scheduler.binary: '"),
                Arguments.of("\"scheduler\": {\"kind\": \"path\", \"binary\": \"script.sh\"}",
                        "scheduler.binary: "),
                Arguments.of("\"scheduler\": {\"kind\": \"kernel_builtin\", \"name\": \"x\", \"enable\": [\"true\"]}, "
                        + "\"flags\": [{\"name\": \"fast\"}]", "flags: a kernel_builtin scheduler takes no flags"),
                Arguments.of("\"sched_args\": \"-v\"", "sched_args"),
                Arguments.of("\"flags\": [{\"name\": \"a+b\"}]", "flags[0]"),
                Arguments.of("\"required_flags\": [\"x\"]", "required_flags[0]"),
                Arguments.of("\"excluded_flags\": [\"x\"]", "excluded_flags[0]"),
                Arguments.of("\"sysctls\": {\"a b\": \"1\"}", "sysctls"),
                Arguments.of("\"kargs\": [\"quiet\", \"console=ttyS1\"]", "kargs[1]"),
                Arguments.of("\"duration_ms\": 0", "duration_ms"),
                Arguments.of("\"workers_per_cgroup\": 0", "workers_per_cgroup"),
                Arguments.of("\"memory_mb\": 64", "memory_mb"),
                Arguments.of("\"vm_timeout_ms\": \"60s\"", "vm_timeout_ms"),
                Arguments.of("\"num_snapshots\": -1", "num_snapshots"),
                Arguments.of("\"cleanup_budget_ms\": 0", "cleanup_budget_ms"),
                Arguments.of("\"expect_err\": 1", "expect_err"),
                Arguments.of("\"assert\": {\"max_gap_ms\": \"x\"}", "assert.max_gap_ms"),
                Arguments.of("\"constraints\": {\"bogus\": 1}", "constraints.bogus"),
                Arguments.of("\"config_file\": \"missing.toml\"", "config_file: no file at "),
                Arguments.of("\"extra_include_files\": [\"none.bin\"]", "extra_include_files[0]: no file at "),
                Arguments.of("\"sceanrio\": \"steady\"", "sceanrio: unknown field"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badSpecFields")
    void aBadSpecFieldIsRefusedNamingTheFileAndThePath(String field, String expected) throws Exception {
        Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\n");
        String body = field.startsWith("\"sceanrio\"") ? "{\"name\": \"t\", " + field + ", \"scenario\": \"steady\"}"
                : "{" + (field.startsWith("\"name\"") ? "" : "\"name\": \"t\", ") + "\"scenario\": \"steady\", "
                + field + "}";
        Path spec = Files.writeString(tmp.resolve("bad.json"), body);
        String e = refused(run(spec.toString()));
        assertThat(e).contains("bad.json").contains(expected);
    }

    static Stream<Arguments> badPlanFields() {
        String cg = "{\"name\": \"cg_0\"}";
        return Stream.of(
                Arguments.of("{\"name\": \"p\", \"steps\": [{\"hold\": {\"kind\": \"frac\", \"frac\": 2}}]}",
                        "steps[0].hold.frac: 2 is outside (0, 1]"),
                Arguments.of("{\"name\": \"p\", \"steps\": [{\"hold\": {\"kind\": \"fixed\", \"ms\": 0}}]}",
                        "steps[0].hold.ms"),
                Arguments.of("{\"name\": \"p\", \"backdrop\": [{\"name\": \"x/a\"}], \"steps\": [{}]}",
                        "backdrop[0].name: 'x/a' needs its parent 'x' defined earlier"),
                Arguments.of("{\"name\": \"p\", \"backdrop\": [{\"name\": \"c\", \"workers\": 0}], \"steps\": [{}]}",
                        "backdrop[0].workers"),
                Arguments.of("{\"name\": \"p\", \"backdrop\": [{\"name\": \"c\", \"cpuset\": {\"kind\": \"range\", "
                        + "\"start_frac\": 1.5, \"end_frac\": 2}}], \"steps\": [{}]}", "backdrop[0].cpuset.start_frac"),
                Arguments.of("{\"name\": \"p\", \"backdrop\": [{\"name\": \"c\", \"cpuset\": {\"kind\": \"rnage\"}}], "
                        + "\"steps\": [{}]}", "backdrop[0].cpuset: unknown type 'rnage'"),
                Arguments.of("{\"name\": \"p\", \"backdrop\": [{\"name\": \"c\", \"work_type\": {\"kind\": \"bursty\", "
                        + "\"burst_ms\": \"x\"}}], \"steps\": [{}]}", "backdrop[0].work_type.burst_ms"),
                Arguments.of("{\"name\": \"p\", \"backdrop\": [" + cg + "], \"steps\": [{\"ops\": [{\"op\": "
                        + "\"stop_cgroup\", \"cgroup\": \"cg_9\"}]}]}", "steps[0].ops[0].cgroup"),
                Arguments.of("{\"name\": \"p\", \"steps\": [{\"setup\": [{\"name\": \"a\", \"workers\": 3, "
                        + "\"work_type\": {\"kind\": \"pipe_io\"}}]}]}", "steps[0].setup[0].workers: 3 is odd"),
                Arguments.of("{\"name\": \"p\", \"backdrop\": [{\"name\": \"c\", \"cpuset\": {\"kind\": \"llc\", "
                        + "\"index\": 5}}], \"steps\": [{}]}", "backdrop[0].cpuset"),
                Arguments.of("{\"name\": \"p\", \"steps\": [{}], \"stpes\": []}", "plan.stpes: unknown field"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badPlanFields")
    void aBadInlinePlanFieldIsRefusedNamingTheFileAndThePath(String plan, String expected) throws Exception {
        Path spec = Files.writeString(tmp.resolve("plan-spec.json"), "{\"name\": \"t\", \"plan\": " + plan + "}");
        String e = refused(run(spec.toString()));
        assertThat(e).contains("plan-spec.json").contains(expected);
    }

    // --- raw .plan files: the agent's parser, on the host, before any boot ---------------------------------------

    static Stream<Arguments> badPlanLines() {
        return Stream.of(
                Arguments.of("ktstr4j-plan trivial\nsleep_ms 10\nslep_ms 5\n", ":3: unknown step 'slep_ms'"),
                Arguments.of("ktstr4j-plan trivial\n\n# c\nsleep_ms ten\n", ":4: sleep_ms: expected a non-negative number"),
                Arguments.of("ktstr4j-plan trivial\nexit_code 99999999999\n", ":2: exit_code: expected an int"),
                Arguments.of("ktstr4j-plan v1\nname x\nduration_ms 100\ncpus 0-1\nstep index=0 hold=frac:2x\nend\n",
                        ":5: hold=frac:2x: expected frac:"),
                Arguments.of("ktstr4j-plan v1\nname x\nduration_ms 100\ncpus 0-1\nbackdrop\n"
                        + "cgroup c workers=1 work=Sequence phases=spin:20000000000s\nend\n", ":6: phase duration"),
                Arguments.of("ktstr4j-plan v1\nname x\nduration_ms 100\ncpus 0-1\n", ":4: plan ends without 'end'"),
                Arguments.of("ktstr4j-plan v2\nend\n", ":1: first line is 'ktstr4j-plan v2'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badPlanLines")
    void aBadPlanLineFailsBeforeAnyBootWithFileAndLine(String text, String expected) throws Exception {
        Path p = Files.writeString(tmp.resolve("bad.plan"), text);
        String e = refused(run(p.toString()));
        assertThat(e).contains(p.toAbsolutePath() + expected);
    }

    // --- fields the runner does not act on yet --------------------------------------------------------------------

    static Stream<Arguments> unsupportedFields() {
        return Stream.of(
                Arguments.of("\"auto_repro\": false", "auto_repro"),
                Arguments.of("\"performance_mode\": true", "performance_mode"),
                Arguments.of("\"host_only\": true", "host_only"),
                Arguments.of("\"bpf_map_write\": {\"map_name_suffix\": \"m\", \"offset\": 0, \"value\": 1}",
                        "bpf_map_write"),
                Arguments.of("\"payload\": \"stress-ng\"", "payload"),
                Arguments.of("\"watchdog_timeout_ms\": 2000", "watchdog_timeout_ms"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unsupportedFields")
    void aFieldThatIsNotActedOnIsRefusedNamingFileFieldAndWhy(String field, String name) throws Exception {
        Path spec = Files.writeString(tmp.resolve("unsupported.json"),
                "{\"name\": \"t\", \"scenario\": \"steady\", " + field + "}");
        String e = refused(run(spec.toString()));
        assertThat(e).contains(spec + ": " + name + ": ").contains("is not implemented yet (");
    }

    @Test
    void unsupportedFieldsAtTheirDefaultsRun() throws Exception {
        Path spec = Files.writeString(tmp.resolve("defaults.json"), "{\"name\": \"t\", \"scenario\": \"steady\", "
                + "\"auto_repro\": true, \"performance_mode\": false, \"host_only\": false, "
                + "\"watchdog_timeout_ms\": 4000}");
        assertThat(Main.execute(services(99_000, null), run(spec.toString(), "--quiet"))).as(err()).isZero();
    }

    // --- relative paths -------------------------------------------------------------------------------------------

    @Test
    void relativePathsInASpecAreReadFromTheSpecsFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("suite"));
        Files.writeString(dir.resolve("sched.toml"), "x = 1\n");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/input.bin"), "d");
        Path spec = Files.writeString(dir.resolve("rel.json"), "{\"name\": \"t\", \"scenario\": \"steady\", "
                + "\"config_file\": \"sched.toml\", \"extra_include_files\": [\"data/input.bin\"]}");
        // the working directory is the module folder, not the spec's
        assertThat(Path.of("").toAbsolutePath()).isNotEqualTo(dir);
        assertThat(Main.execute(services(99_000, null), run(spec.toString(), "--quiet"))).as(err()).isZero();

        Files.delete(dir.resolve("data/input.bin"));
        out.reset();
        err.reset();
        assertThat(refused(run(spec.toString()))).contains(spec + ": extra_include_files[0]: no file at "
                + dir.resolve("data/input.bin") + " (relative paths are read from the spec's folder)");
    }
}
