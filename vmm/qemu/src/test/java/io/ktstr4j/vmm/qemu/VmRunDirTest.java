package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.nativelib.LibC;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private VM folder: modes, exclusive creation, and a sweep that spares locked (live) folders. */
class VmRunDirTest {

    @TempDir
    Path parent;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void guestRamFilesArePrivateAndUnpredictable() throws Exception {
        Path a = VmRunDir.choose(parent);
        Path b = VmRunDir.choose(parent);
        assertThat(a).isNotEqualTo(b);
        assertThat(a.getParent()).isEqualTo(parent.resolve("ktstr4j-" + VmRunDir.uid()));
        assertThat(a.getFileName().toString()).matches("vm-[0-9a-f]{24}");
        VmRunDir d = VmRunDir.create(a);
        try {
            Path ram = d.newFile("ram-node0", 1 << 20);
            assertThat(Files.size(ram)).isEqualTo(1 << 20);
            assertThat(mode(ram)).isEqualTo("rw-------");
            assertThat(mode(a)).isEqualTo("rwx------");
            assertThat(mode(a.getParent())).isEqualTo("rwx------");
            assertThat(mode(a.resolve(VmRunDir.LOCK))).isEqualTo("rw-------");
            assertThatThrownBy(() -> d.newFile("ram-node0", 4096)).isInstanceOf(FileAlreadyExistsException.class);
            // a symlink planted under the name is not followed
            Path target = parent.resolve("elsewhere");
            Files.createSymbolicLink(a.resolve("ram-node1"), target);
            assertThatThrownBy(() -> d.newFile("ram-node1", 4096)).isInstanceOf(FileAlreadyExistsException.class);
            assertThat(target).doesNotExist();
        } finally {
            d.delete();
        }
        assertThat(a).doesNotExist();
        VmRunDir other = VmRunDir.create(b);
        try {
            assertThatThrownBy(() -> VmRunDir.create(b)).as("a VM folder is never reused")
                    .isInstanceOf(FileAlreadyExistsException.class);
        } finally {
            other.delete();
        }
    }

    @Test
    void aUserFolderThatIsASymlinkIsRefused() throws Exception {
        Path real = Files.createDirectory(parent.resolve("real"));
        Files.createSymbolicLink(parent.resolve("ktstr4j-" + VmRunDir.uid()), real);
        assertThatThrownBy(() -> VmRunDir.choose(parent)).isInstanceOf(VmConfigException.class)
                .hasMessageContaining("symlink");
    }

    @Test
    void aLooseUserFolderOfOursIsMadePrivateAgain() throws Exception {
        Path user = Files.createDirectory(parent.resolve("ktstr4j-" + VmRunDir.uid()));
        Files.setPosixFilePermissions(user, PosixFilePermissions.fromString("rwxrwxrwx"));
        VmRunDir.choose(parent);
        assertThat(mode(user)).isEqualTo("rwx------");
    }

    /** Only folders nobody holds are swept; a live VM's (its lock held, here by another open file) never. */
    @Test
    void sweepDeletesOnlyFoldersWhoseLockIsFree() throws Exception {
        Path user = VmRunDir.userDir(parent);
        // a live VM of "another process": its lock held through an fd this sweep does not own
        Path live = Files.createDirectory(user.resolve("vm-live"));
        Files.createFile(live.resolve(VmRunDir.LOCK));
        Files.createFile(live.resolve("ram-node0"));
        int fd = LibC.INSTANCE.open(live.resolve(VmRunDir.LOCK).toString(), LibC.O_RDWR);
        LibC.INSTANCE.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB);
        // left by a JVM that died: the lock file is there, nobody holds it
        Path dead = Files.createDirectory(user.resolve("vm-dead"));
        Files.createFile(dead.resolve(VmRunDir.LOCK));
        Files.createFile(dead.resolve("ram-node0"));
        Files.createFile(dead.resolve("qmp.sock"));
        // died between mkdir and the lock: swept once old, kept while fresh (it may be being created)
        Path oldLockless = Files.createDirectory(user.resolve("vm-old"));
        Files.setLastModifiedTime(oldLockless, FileTime.from(Instant.now().minusSeconds(3600)));
        Path freshLockless = Files.createDirectory(user.resolve("vm-fresh"));
        // this JVM's own live VM
        VmRunDir mine = VmRunDir.create(user.resolve("vm-mine"));
        try {
            assertThat(VmRunDir.sweep(parent)).isEqualTo(2);
            assertThat(live.resolve("ram-node0")).exists();
            assertThat(dead).doesNotExist();
            assertThat(oldLockless).doesNotExist();
            assertThat(freshLockless).exists();
            assertThat(mine.path()).exists();
            assertThat(mine.locked()).isTrue();
        } finally {
            LibC.INSTANCE.close(fd);
            mine.delete();
        }
        assertThat(VmRunDir.sweep(parent)).as("released: swept now").isEqualTo(1);
        assertThat(live).doesNotExist();
    }
}
