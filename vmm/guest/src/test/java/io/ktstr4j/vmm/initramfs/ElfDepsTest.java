package io.ktstr4j.vmm.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfDepsTest {
    static final Path SCX_SIMPLE = Path.of("/work/shared/kernels/6.12.117-scx/scx/scx_simple");
    static final Path LS = Path.of("/bin/ls");

    @TempDir
    Path tmp;

    @Test
    void dynamicBinaryNeedsInterpreterAndLibc() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(LS), "/bin/ls not present");
        ElfDeps.Info info = ElfDeps.read(LS);
        assertThat(info.interpreter()).isEqualTo("/lib64/ld-linux-x86-64.so.2");
        assertThat(info.needed()).contains("libc.so.6");

        List<ElfDeps.Dependency> deps = ElfDeps.closure(LS, ElfDeps.DEFAULT_SEARCH_PATHS);
        assertThat(deps).extracting(ElfDeps.Dependency::guestPath)
                .contains("/lib64/ld-linux-x86-64.so.2")
                .anyMatch(p -> p.endsWith("/libc.so.6"));
        for (ElfDeps.Dependency d : deps) { // symlinks resolved to real files
            assertThat(d.hostFile()).isRegularFile();
            assertThat(Files.isSymbolicLink(d.hostFile())).isFalse();
        }
    }

    @Test
    void staticBinaryHasNoDependencies() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(SCX_SIMPLE), "shared kernels not present");
        assertThat(ElfDeps.read(SCX_SIMPLE).isDynamic()).isFalse();
        assertThat(ElfDeps.closure(SCX_SIMPLE, ElfDeps.DEFAULT_SEARCH_PATHS)).isEmpty();
    }

    @Test
    void missingLibraryIsNamed() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(LS), "/bin/ls not present");
        assertThatThrownBy(() -> ElfDeps.closure(LS, List.of(tmp)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/bin/ls")
                .hasMessageContaining("not found in");
    }

    @Test
    void nonElfAndCorruptElfAreRefusedNamingTheFile() throws Exception {
        Path text = Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        assertThat(ElfDeps.isElf(text)).isFalse();
        assertThatThrownBy(() -> ElfDeps.read(text)).hasMessageContaining("script.sh").hasMessageContaining("not an ELF");

        Assumptions.assumeTrue(Files.isRegularFile(LS), "/bin/ls not present");
        byte[] ls = Files.readAllBytes(LS);
        Path cut = Files.write(tmp.resolve("cut"), Arrays.copyOf(ls, 200));
        assertThatThrownBy(() -> ElfDeps.read(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut");
        // random corruption of the headers must give an error or a result, never another exception type
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] b = Arrays.copyOf(ls, 4096);
            for (int k = 0; k < 8; k++) {
                b[16 + rnd.nextInt(1024)] = (byte) rnd.nextInt();
            }
            try {
                ElfDeps.parse(tmp, java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN));
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).startsWith(tmp.toString());
            }
        }
    }

    /** A minimal x86_64 ELF whose only program header is PT_INTERP naming {@code interp}. */
    static byte[] elfWithInterpreter(String interp) {
        byte[] path = (interp + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(120 + path.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1).putLong(32, 64)
                .putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(64, 3).putLong(64 + 8, 120).putLong(64 + 32, path.length);
        b.put(120, path);
        return b.array();
    }

    @Test
    void anInterpreterThatIsNotAnElfIsRefusedNamingBothFiles() throws Exception {
        Path fakeLoader = Files.writeString(tmp.resolve("ld-fake.so"), "#!/bin/sh\nnot a loader\n");
        Path sched = Files.write(tmp.resolve("scx_fake"), elfWithInterpreter(fakeLoader.toString()));
        assertThat(ElfDeps.read(sched).interpreter()).isEqualTo(fakeLoader.toString());
        assertThatThrownBy(() -> ElfDeps.closure(sched, List.of(tmp)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(sched.toString())
                .hasMessageContaining("interpreter (PT_INTERP) is not an x86_64 ELF file")
                .hasMessageContaining(fakeLoader + ": not an ELF file");

        // an ELF loader for another machine (EM_AARCH64 = 183) is refused too
        byte[] arm = elfWithInterpreter("/nothing");
        arm[18] = (byte) 183;
        Path armLoader = Files.write(tmp.resolve("ld-arm.so"), arm);
        Path sched2 = Files.write(tmp.resolve("scx_fake2"), elfWithInterpreter(armLoader.toString()));
        assertThatThrownBy(() -> ElfDeps.closure(sched2, List.of(tmp)))
                .hasMessageContaining(sched2.toString()).hasMessageContaining("ELF machine 183 is not x86_64");
    }
}
