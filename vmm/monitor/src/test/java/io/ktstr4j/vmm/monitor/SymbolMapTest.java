package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymbolMapTest {

    @Test
    void systemMapAndElfSymtabAgree() throws IOException {
        SymbolMap map = SymbolMap.fromSystemMap(KernelFiles.require("System.map"));
        SymbolMap elf = SymbolMap.fromElf(ElfImage.open(KernelFiles.vmlinux()));
        // Values the monitor depends on, as printed by `grep ' runqueues$' System.map` etc.
        assertThat(map.require("runqueues")).isEqualTo(0x2f480L);
        assertThat(map.require("__per_cpu_offset")).isEqualTo(0xffffffff8220bd20L);
        assertThat(map.require("init_top_pgt")).isEqualTo(0xffffffff82840000L);
        assertThat(map.require("phys_base")).isEqualTo(0xffffffff82848010L);
        assertThat(map.require("map_idr")).isEqualTo(0xffffffff8296e080L);
        for (String s : List.of("runqueues", "__per_cpu_offset", "init_top_pgt", "phys_base", "page_offset_base",
                "map_idr", "scx_ops", "scx_ops_enable_state_var", "_text", "linux_banner", "nr_cpu_ids")) {
            assertThat(elf.address(s)).as(s).isEqualTo(map.address(s));
        }
        assertThat(map.size()).isGreaterThan(100_000);
    }

    @Test
    void malformedLineNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("System.map");
        Files.writeString(f, "ffffffff81000000 T _text\nnot-a-line\n");
        assertThatThrownBy(() -> SymbolMap.fromSystemMap(f)).hasMessageContaining("System.map:2");
        assertThatThrownBy(() -> SymbolMap.of(java.util.Map.of()).require("runqueues"))
                .hasMessageContaining("runqueues");
    }
}
