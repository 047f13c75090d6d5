package io.ktstr4j.pipeline.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The config fragment: its hash, its merge, and the check of a .config against what the harness needs. */
class KconfigTest {

    static final Path SHIPPED_CONFIG = KernelImporterTest.SHIPPED.resolve("config");

    @Test
    void theHashIsCrc32AsKtstrComputesIt() {
        assertThat(Kconfig.crc32("hello".getBytes(StandardCharsets.UTF_8))).isEqualTo("3610a686");
        Kconfig k = Kconfig.fragment();
        assertThat(k.hash()).matches("[0-9a-f]{8}")
                .isEqualTo(Kconfig.crc32(k.text().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theFragmentAsksForEveryRequiredOptionAndJumpLabelsOff() {
        Map<String, String> s = Kconfig.fragment().settings();
        assertThat(s).containsAllEntriesOf(Kconfig.REQUIRED);
        assertThat(s).containsEntry("CONFIG_JUMP_LABEL", "n").containsEntry("CONFIG_SCHED_CLASS_EXT", "y");
    }

    @Test
    void mergingReplacesTheFragmentsSymbolsAndKeepsTheRest() {
        String merged = Kconfig.fragment().mergeInto("""
                CONFIG_FOO=y
                CONFIG_SCHED_CLASS_EXT=n
                # CONFIG_DEBUG_INFO_BTF is not set
                CONFIG_JUMP_LABEL=y
                """);
        assertThat(merged).startsWith("CONFIG_FOO=y\n# ktstr4j.kconfig\n");
        assertThat(merged.lines().filter(l -> l.contains("CONFIG_SCHED_CLASS_EXT"))).containsExactly(
                "CONFIG_SCHED_CLASS_EXT=y");
        assertThat(merged.lines().filter(l -> l.contains("CONFIG_JUMP_LABEL")))
                .containsExactly("# CONFIG_JUMP_LABEL is not set");
        assertThat(Kconfig.missingRequired(merged)).isEmpty();
    }

    @Test
    void aConfigLackingWhatTheHarnessNeedsIsNamedOptionByOption() {
        String config = Kconfig.fragment().mergeInto("") .replace("CONFIG_SCHED_CLASS_EXT=y", "")
                .replace("# CONFIG_JUMP_LABEL is not set", "CONFIG_JUMP_LABEL=y")
                .replace("CONFIG_DEBUG_INFO_BTF=y", "# CONFIG_DEBUG_INFO_BTF is not set");
        assertThat(Kconfig.missingRequired(config)).containsExactly("CONFIG_DEBUG_INFO_BTF=y", "CONFIG_JUMP_LABEL off",
                "CONFIG_SCHED_CLASS_EXT=y");
        assertThat(Kconfig.fragment().notKept(config)).contains("CONFIG_SCHED_CLASS_EXT (asked y, is n)",
                "CONFIG_JUMP_LABEL (asked n, is y)");
    }

    @Test
    void theShippedKernelsConfigPassesTheCheck() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(SHIPPED_CONFIG), "no shipped kernel at " + SHIPPED_CONFIG);
        String config = Files.readString(SHIPPED_CONFIG, StandardCharsets.ISO_8859_1);
        assertThat(Kconfig.missingRequired(config)).isEmpty();
        assertThat(Kconfig.fragment().notKept(config)).as("build-kernel.sh's options, which built it").isEmpty();
    }
}
