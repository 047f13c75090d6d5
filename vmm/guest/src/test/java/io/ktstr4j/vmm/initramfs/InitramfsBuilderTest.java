package io.ktstr4j.vmm.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsBuilderTest {
    static final Path SCX_SIMPLE = Path.of("/work/shared/kernels/6.12.117-scx/scx/scx_simple");
    static final byte[] AGENT = "\u007fELF-fake-agent".getBytes(StandardCharsets.ISO_8859_1);
    static final String PLAN = "ktstr4j-plan trivial\nsleep_ms 5\n";

    @TempDir
    Path tmp;

    /** The expected newc bytes of one entry, written out independently of CpioWriter. */
    static void entry(ByteArrayOutputStream out, int ino, int mode, int nlink, int rmaj, int rmin, String name,
                      byte[] data) {
        String h = "070701" + String.format("%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0, 0,
                nlink, 0, data.length, 0, 0, rmaj, rmin, name.length() + 1, 0);
        out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        out.writeBytes(data);
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    static byte[] trailerAndPad(ByteArrayOutputStream out) {
        entry(out, 0, 0, 1, 0, 0, "TRAILER!!!", new byte[0]);
        while (out.size() % 512 != 0) {
            out.write(0);
        }
        return out.toByteArray();
    }

    @Test
    void baseAndSuffixHaveTheExactNewcLayout() throws Exception {
        InitramfsBuilder.Initramfs r = InitramfsBuilder.withCache(tmp.resolve("cache"))
                .agent(AGENT, "fake-agent").plan(PLAN).build();

        ByteArrayOutputStream base = new ByteArrayOutputStream();
        int ino = 1;
        for (String d : List.of("dev", "proc", "run", "sys", "tmp")) {
            entry(base, ino++, 0040755, 2, 0, 0, d, new byte[0]);
        }
        entry(base, ino++, 0020600, 1, 5, 1, "dev/console", new byte[0]);
        entry(base, ino++, 0020666, 1, 1, 3, "dev/null", new byte[0]);
        entry(base, ino++, 0100755, 1, 0, 0, "init", AGENT);
        byte[] expectedBase = trailerAndPad(base);

        byte[] baseFile = Files.readAllBytes(r.archives().get(0));
        assertThat(baseFile.length % 512).isZero(); // the next archive starts aligned
        assertThat(Arrays.copyOf(baseFile, 4)).containsExactly(0x28, 0xB5, 0x2F, 0xFD); // zstd frame magic
        byte[] unpacked = unzstd(baseFile, expectedBase.length);
        assertThat(unpacked).isEqualTo(expectedBase);
        assertThat(r.baseCpioBytes()).isEqualTo(expectedBase.length);
        assertThat(r.archives().get(0).getFileName().toString()).isEqualTo("base-" + r.baseKey() + ".cpio.zst");

        ByteArrayOutputStream suffix = new ByteArrayOutputStream();
        entry(suffix, 1, 0100644, 1, 0, 0, "plan", PLAN.getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readAllBytes(r.archives().get(1))).isEqualTo(trailerAndPad(suffix));
    }

    @Test
    void schedulerGoesToBaseAndItsArgsToTheSuffix() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(SCX_SIMPLE), "shared kernels not present");
        InitramfsBuilder.Initramfs r = InitramfsBuilder.withCache(tmp).agent(AGENT, "fake-agent")
                .scheduler(SCX_SIMPLE, List.of("-v", "--slice-us=5000"), "simple").plan(PLAN).build();
        List<String> names = cpioNames(unzstd(Files.readAllBytes(r.archives().get(0)),
                (int) r.baseCpioBytes()));
        assertThat(names).contains("init", "scheduler").doesNotContain("plan");
        byte[] suffix = Files.readAllBytes(r.archives().get(1));
        assertThat(cpioNames(suffix)).containsExactly("plan", "sched_args", "sched_ops", "TRAILER!!!");
        assertThat(new String(suffix, StandardCharsets.UTF_8)).contains("-v\n--slice-us=5000\n").contains("simple");
    }

    @Test
    void aKernelBuiltinSchedulerBringsBusyboxAndItsLinesGoToTheSuffix() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        Assumptions.assumeTrue(Files.isRegularFile(busybox), "busybox-static not installed");
        InitramfsBuilder.Initramfs r = InitramfsBuilder.withCache(tmp).agent(AGENT, "fake-agent")
                .builtinScheduler(busybox, List.of("echo 1 > /proc/sys/kernel/sched_schedstats", "true"),
                        List.of("echo 0 > /proc/sys/kernel/sched_schedstats")).plan(PLAN).build();
        List<String> names = cpioNames(unzstd(Files.readAllBytes(r.archives().get(0)), (int) r.baseCpioBytes()));
        assertThat(names).contains("init", "bin", "bin/busybox").doesNotContain("scheduler");
        byte[] suffix = Files.readAllBytes(r.archives().get(1));
        assertThat(cpioNames(suffix)).containsExactly("plan", "sched_enable", "sched_disable", "TRAILER!!!");
        assertThat(new String(suffix, StandardCharsets.UTF_8))
                .contains("echo 1 > /proc/sys/kernel/sched_schedstats\ntrue\n")
                .contains("echo 0 > /proc/sys/kernel/sched_schedstats\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InitramfsBuilder.withCache(tmp)
                .builtinScheduler(busybox, List.of("a\nb"), List.of())).hasMessageContaining("'a\nb'");
    }

    @Test
    void baseIsContentAddressedAndReused() throws Exception {
        Path cache = tmp.resolve("cache");
        var first = InitramfsBuilder.withCache(cache).agent(AGENT, "a").plan(PLAN).build();
        var second = InitramfsBuilder.withCache(cache).agent(AGENT, "a").plan(PLAN + "sleep_ms 1\n").build();
        assertThat(first.baseFromCache()).isFalse();
        assertThat(second.baseFromCache()).isTrue();
        assertThat(second.archives().get(0)).isEqualTo(first.archives().get(0));
        assertThat(second.archives().get(1)).isNotEqualTo(first.archives().get(1));

        byte[] other = AGENT.clone();
        other[other.length - 1] ^= 1;
        var third = InitramfsBuilder.withCache(cache).agent(other, "b").plan(PLAN).build();
        assertThat(third.baseKey()).isNotEqualTo(first.baseKey());
        assertThat(third.baseFromCache()).isFalse();
    }

    /** A build from unchanged inputs reuses the last base without reading them; a changed input or a lost archive does not. */
    @Test
    void aRepeatedBuildIsRememberedUntilAnInputChangesOrItsArchiveGoes() throws Exception {
        Path cache = tmp.resolve("cache");
        Path data = tmp.resolve("data.txt");
        Files.writeString(data, "one");
        var first = InitramfsBuilder.withCache(cache).agent(AGENT, "a").plan(PLAN).includeFile("data", data).build();
        var again = InitramfsBuilder.withCache(cache).agent(AGENT, "a").plan(PLAN + "sleep_ms 1\n")
                .includeFile("data", data).build();
        assertThat(again.baseKey()).isEqualTo(first.baseKey());
        assertThat(again.baseFromCache()).isTrue();
        assertThat(again.archives().get(0)).isEqualTo(first.archives().get(0));
        assertThat(again.baseCpioBytes()).isEqualTo(first.baseCpioBytes());
        assertThat(again.archives().get(1)).isNotEqualTo(first.archives().get(1));

        Files.writeString(data, "two, longer"); // same path: only its content says the base must change
        var changed = InitramfsBuilder.withCache(cache).agent(AGENT, "a").plan(PLAN).includeFile("data", data).build();
        assertThat(changed.baseKey()).isNotEqualTo(first.baseKey());
        assertThat(changed.baseFromCache()).isFalse();

        Files.delete(changed.archives().get(0));
        var remade = InitramfsBuilder.withCache(cache).agent(AGENT, "a").plan(PLAN).includeFile("data", data).build();
        assertThat(remade.baseKey()).isEqualTo(changed.baseKey());
        assertThat(remade.baseFromCache()).isFalse();
        assertThat(remade.archives().get(0)).isRegularFile();

        // a remembered base over a smaller budget is refused as a fresh one is, naming the files
        assertThatThrownBy(() -> InitramfsBuilder.withCache(cache).agent(AGENT, "a").plan(PLAN)
                .includeFile("data", data).memoryBudgetBytes(64).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/include-files/data from " + data);
    }

    @Test
    void dynamicIncludeBinaryBringsItsLibraries() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/bin/ls")), "/bin/ls not present");
        var r = InitramfsBuilder.withCache(tmp).agent(AGENT, "a").plan(PLAN)
                .includeBinary("ls", Path.of("/bin/ls"))
                .includeFile("conf/app.json", Files.writeString(tmp.resolve("app.json"), "{}")).build();
        List<String> names = cpioNames(unzstd(Files.readAllBytes(r.archives().get(0)),
                (int) r.baseCpioBytes()));
        assertThat(names).contains("include-files", "include-files/ls", "include-files/conf",
                "include-files/conf/app.json", "lib64", "lib64/ld-linux-x86-64.so.2");
        assertThat(names).anyMatch(n -> n.endsWith("/libc.so.6"));
        // every parent directory precedes its children
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            int slash = n.lastIndexOf('/');
            if (slash > 0) {
                assertThat(names.subList(0, i)).as("parent of %s", n).contains(n.substring(0, slash));
            }
        }
    }

    @Test
    void badInputsAreRefusedNamingTheFile() throws Exception {
        Path text = Files.writeString(tmp.resolve("notelf.sh"), "#!/bin/sh\n");
        assertThatThrownBy(() -> InitramfsBuilder.withCache(tmp).agent(AGENT, "a").plan(PLAN)
                .includeBinary("x", text).build())
                .hasMessageContaining("notelf.sh").hasMessageContaining("not an ELF");
        assertThatThrownBy(() -> InitramfsBuilder.withCache(tmp).agent(AGENT, "a").plan(PLAN)
                .includeFile("y", tmp.resolve("missing.bin")).build())
                .hasMessageContaining("missing.bin").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> InitramfsBuilder.withCache(tmp).agent(AGENT, "a").plan(PLAN)
                .includeFile("same", text).includeFile("same", tmp.resolve("other")))
                .hasMessageContaining("name clash").hasMessageContaining("include-files/same")
                .hasMessageContaining("notelf.sh");
        assertThatThrownBy(() -> InitramfsBuilder.withCache(tmp).agent(AGENT, "a").plan("not a plan"))
                .hasMessageContaining("ktstr4j-plan");
        Path big = Files.write(tmp.resolve("big.dat"), new byte[300_000]);
        assertThatThrownBy(() -> InitramfsBuilder.withCache(tmp).agent(AGENT, "a").plan(PLAN)
                .includeFile("big.dat", big).memoryBudgetBytes(200_000).build())
                .hasMessageContaining("budget").hasMessageContaining("big.dat");
    }

    /** Decompresses the zstd frame at the start of a padded archive file (the zero padding is not zstd data). */
    static byte[] unzstd(byte[] file, int size) {
        int frame = (int) Zstd.findFrameCompressedSize(file);
        assertThat(Arrays.copyOfRange(file, frame, file.length)).containsOnly(0);
        return Zstd.decompress(Arrays.copyOf(file, frame), size);
    }

    /** Entry names of an uncompressed newc archive, in order. */
    static List<String> cpioNames(byte[] a) {
        List<String> names = new ArrayList<>();
        int off = 0;
        while (off + 110 <= a.length && new String(a, off, 6, StandardCharsets.US_ASCII).equals("070701")) {
            int size = Integer.parseInt(new String(a, off + 54, 8, StandardCharsets.US_ASCII), 16);
            int nameLen = Integer.parseInt(new String(a, off + 94, 8, StandardCharsets.US_ASCII), 16);
            String name = new String(a, off + 110, nameLen - 1, StandardCharsets.US_ASCII);
            names.add(name);
            if (name.equals("TRAILER!!!")) {
                break;
            }
            off = (off + 110 + nameLen + 3) & ~3;
            off = (off + size + 3) & ~3;
        }
        return names;
    }
}
