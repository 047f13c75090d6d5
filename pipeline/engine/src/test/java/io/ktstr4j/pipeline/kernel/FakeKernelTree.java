package io.ktstr4j.pipeline.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A kernel source tree whose Makefile fakes kbuild's targets in a blink: defconfig and kvm_guest.config write a
 * .config, olddefconfig runs an optional edit, bzImage writes the image, System.map, kernel.release and a small ELF
 * {@code vmlinux} with a {@code .BTF} section (gcc), so the builder's real steps (make, objcopy) run on it. Also the
 * host tools the builder checks for, as stubs on a PATH of their own.
 */
public final class FakeKernelTree {

    private FakeKernelTree() {
    }

    /**
     * Writes the tree at {@code dir}.
     *
     * @param olddefconfig shell commands olddefconfig runs on .config (e.g. a sed dropping an option), or ""
     * @param bzImage      shell commands bzImage runs first (e.g. a sleep to cancel in), or ""
     */
    public static Path create(Path dir, String olddefconfig, String bzImage) throws IOException {
        Files.createDirectories(dir.resolve("arch/x86"));
        Files.writeString(dir.resolve("arch/x86/Kconfig"), "config X86\n");
        Files.writeString(dir.resolve("Makefile"), String.join("\n",
                "VERSION = 6",
                "PATCHLEVEL = 99",
                "SUBLEVEL = 1",
                "EXTRAVERSION =",
                "defconfig:",
                "\tprintf '#\\n# Linux/x86 6.99.1 Kernel Configuration\\n#\\nCONFIG_DEFCONFIG=y\\n' > .config",
                "kvm_guest.config:",
                "\tprintf 'CONFIG_KVM_GUEST=y\\n' >> .config",
                "olddefconfig:",
                "\ttrue " + olddefconfig,
                "bzImage:",
                "\t@echo '  CC      kernel/sched/core.o'",
                "\t" + (bzImage.isEmpty() ? "true" : bzImage),
                "\tmkdir -p arch/x86/boot include/config",
                "\tprintf 'fake kernel' > arch/x86/boot/bzImage",
                "\tprintf 'ffffffff81000000 T _stext\\n' > System.map",
                "\tprintf '6.99.1-fake\\n' > include/config/kernel.release",
                "\tprintf 'int btf __attribute__((section(\".BTF\"))) = 42;\\n' | gcc -x c -g -c -o vmlinux -",
                ""));
        return dir;
    }

    /** An environment whose PATH has stubs of the build tools this host lacks, then the real PATH. */
    public static Map<String, String> env(Path stubs) throws IOException {
        Files.createDirectories(stubs);
        HostTools real = HostTools.of(System.getenv());
        for (String tool : new String[] {"bison", "flex", "bc", "cpio", "pahole", "xz", "zstd"}) {
            Path f = stubs.resolve(tool);
            if (real.find(tool).isEmpty() && !Files.exists(f)) { // a real one stays: tar may need xz
                Files.writeString(f, "#!/bin/sh\nexit 0\n");
                f.toFile().setExecutable(true);
            }
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", stubs + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        return env;
    }

    /** A header folder with the kernel's one required header (libelf.h), and none of the schedulers'. */
    public static Path include(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("libelf.h"), "/* stub */\n");
        return dir;
    }
}
