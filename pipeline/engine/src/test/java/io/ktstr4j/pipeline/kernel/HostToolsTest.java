package io.ktstr4j.pipeline.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which tools a build finds: versioned LLVM tools first, a plain one only when recent enough, headers by file. */
class HostToolsTest {

    @TempDir
    Path tmp;

    Path tool(String name, String versionLine) throws IOException {
        Path f = Files.createDirectories(tmp.resolve("bin")).resolve(name);
        Files.writeString(f, "#!/bin/sh\necho '" + versionLine + "'\n");
        f.toFile().setExecutable(true);
        return f;
    }

    HostTools tools() throws IOException {
        return new HostTools(List.of(tmp.resolve("bin")), Files.createDirectories(tmp.resolve("include")));
    }

    @Test
    void aPlainClangOlderThan16IsNotEnoughAndTheVersionedPackagesAreNamed() throws IOException {
        tool("clang", "Debian clang version 14.0.6");
        tool("llvm-strip", "LLVM version 17.0.1");
        assertThat(tools().llvm("clang")).isEmpty();
        assertThat(tools().llvm("llvm-strip")).contains(tmp.resolve("bin/llvm-strip"));
        assertThat(tools().missingForScx()).containsExactly("clang-16", "lld-16", "libzstd-dev", "zlib1g-dev");
        Path clang16 = tool("clang-16", "clang version 16.0.6");
        tool("clang-13", "clang version 13.0.1");
        assertThat(tools().llvm("clang")).contains(clang16);
        assertThat(tools().find("clang")).as("the highest versioned one before the plain").contains(clang16);
    }

    @Test
    void kernelToolsAreNamedByTheirPackages() throws IOException {
        tool("make", "GNU Make 4.3");
        Files.writeString(Files.createDirectories(tmp.resolve("include")).resolve("libelf.h"), "");
        assertThat(tools().missingForKernel(true)).containsExactly("gcc", "bison", "flex", "bc", "cpio", "dwarves",
                "binutils", "tar", "xz-utils", "zstd", "git");
        assertThat(HostTools.aptLine(List.of("bison", "flex"))).isEqualTo("apt-get install -y bison flex");
    }
}
