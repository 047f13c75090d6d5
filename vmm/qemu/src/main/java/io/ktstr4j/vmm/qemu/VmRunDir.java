package io.ktstr4j.vmm.qemu;

import com.sun.jna.LastErrorException;
import io.ktstr4j.vmm.VmConfigException;
import io.ktstr4j.vmm.nativelib.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QEMU VM's private folder: guest RAM files, QEMU's sockets and log live in
 * {@code <parent>/ktstr4j-<uid>/vm-<96 random bits>/}. The per-user folder is {@code 0700} and must be a real
 * directory owned by this user (a symlink or someone else's folder is refused), so no other local user can list,
 * open or plant anything in it; each VM's folder is created fresh ({@code mkdir} fails if the name exists), its files
 * with {@code O_CREAT|O_EXCL|O_NOFOLLOW} and mode {@code 0600}. Guest RAM (test data, keys a test put there) is thus
 * readable by this user only.
 *
 * <p>While the VM lives its process holds {@code flock(LOCK_EX)} on the folder's {@code lock} file. {@link #sweep}
 * deletes only folders whose lock it can take: a VM folder left behind by a JVM that died (the kernel released its
 * lock), never a live VM's, whichever process or PID namespace runs it. A folder without a lock file is swept only
 * once it is older than {@link #LOCKLESS_GRACE} (the moment between mkdir and the lock).
 */
final class VmRunDir {
    private static final Logger LOG = LoggerFactory.getLogger(VmRunDir.class);
    static final String USER_PREFIX = "ktstr4j-";
    static final String VM_PREFIX = "vm-";
    static final String LOCK = "lock";
    static final Duration LOCKLESS_GRACE = Duration.ofSeconds(60);
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Folders of this JVM's live VMs: never swept, whatever their lock says. */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private int lockFd = -1;

    private VmRunDir(Path dir) {
        this.dir = dir;
    }

    /** A fresh, unpredictable VM folder name under this user's folder of {@code parent} (which it creates/checks). */
    static Path choose(Path parent) {
        byte[] r = new byte[12];
        RANDOM.nextBytes(r);
        return userDir(parent).resolve(VM_PREFIX + HexFormat.of().formatHex(r));
    }

    static int uid() {
        return LibC.INSTANCE.getuid();
    }

    /** {@code parent/ktstr4j-<uid>}, created 0700 if missing; refused unless it is a real directory of ours, 0700. */
    static Path userDir(Path parent) {
        Path d = parent.resolve(USER_PREFIX + uid());
        try {
            try {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } catch (FileAlreadyExistsException e) {
                // checked below
            }
            PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory() || a.isSymbolicLink() || owner != uid()) {
                throw new VmConfigException("shmDir: " + d + " is not a directory owned by uid " + uid()
                        + " (someone else made it, or it is a symlink); guest RAM would not be private there: remove it"
                        + " or choose another shmDir");
            }
            if (!a.permissions().equals(OWNER_DIR)) {
                Files.setPosixFilePermissions(d, OWNER_DIR); // ours: make it private again
            }
            return d;
        } catch (IOException e) {
            throw new VmConfigException("shmDir: cannot create the private folder " + d + ": " + e, e);
        }
    }

    /** Creates the folder (it must not exist) and takes its lock. */
    static VmRunDir create(Path dir) throws IOException {
        userDir(dir.getParent().getParent()); // checked again now: it is what makes the folder private
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        VmRunDir r = new VmRunDir(dir);
        LIVE.add(dir);
        try {
            r.lockFd = LibC.INSTANCE.open(dir.resolve(LOCK).toString(),
                    LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0600);
            LibC.INSTANCE.flock(r.lockFd, LibC.LOCK_EX | LibC.LOCK_NB);
        } catch (LastErrorException e) {
            r.delete();
            throw new IOException("cannot create and lock " + dir.resolve(LOCK) + ": errno " + e.getErrorCode());
        }
        return r;
    }

    Path path() {
        return dir;
    }

    /** A new file of {@code bytes} (sparse) in this folder: O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600. */
    Path newFile(String name, long bytes) throws IOException {
        Path f = dir.resolve(name);
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_FILE);
        try (SeekableByteChannel ch = Files.newByteChannel(f, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), mode)) {
            if (bytes > 0) {
                ch.position(bytes - 1);
                ch.write(ByteBuffer.allocate(1));
            }
        }
        return f;
    }

    /** Deletes the folder and everything in it, then drops the lock. Idempotent. */
    synchronized void delete() {
        deleteTree(dir);
        if (lockFd >= 0) {
            try {
                LibC.INSTANCE.close(lockFd);
            } catch (LastErrorException e) {
                // closed either way
            }
            lockFd = -1;
        }
        LIVE.remove(dir);
    }

    /** Holds the lock (for tests: a live VM folder as another process would hold it). */
    synchronized boolean locked() {
        return lockFd >= 0;
    }

    /**
     * Deletes the VM folders under {@code parent}'s per-user folder that no live process holds (see the class
     * comment). Returns how many it deleted. Never throws: a sweep is housekeeping.
     */
    static int sweep(Path parent) {
        Path user = parent.resolve(USER_PREFIX + uid());
        if (!Files.isDirectory(user, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> vms = new ArrayList<>();
        try (Stream<Path> s = Files.list(user)) {
            s.filter(p -> p.getFileName().toString().startsWith(VM_PREFIX)).forEach(vms::add);
        } catch (IOException e) {
            return 0;
        }
        int swept = 0;
        for (Path vm : vms) {
            if (!LIVE.contains(vm) && sweepOne(vm)) {
                swept++;
            }
        }
        if (swept > 0) {
            LOG.info("swept {} VM folders left by processes that ended, under {}", swept, user);
        }
        return swept;
    }

    private static boolean sweepOne(Path vm) {
        int fd;
        try {
            fd = LibC.INSTANCE.open(vm.resolve(LOCK).toString(), LibC.O_RDWR | LibC.O_NOFOLLOW | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LibC.ENOENT) {
                return false;
            }
            try {
                FileTime m = Files.getLastModifiedTime(vm, LinkOption.NOFOLLOW_LINKS);
                if (System.currentTimeMillis() - m.toMillis() < LOCKLESS_GRACE.toMillis()) {
                    return false; // being created right now
                }
            } catch (IOException gone) {
                return false;
            }
            deleteTree(vm);
            return true;
        }
        try {
            LibC.INSTANCE.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB);
        } catch (LastErrorException e) {
            close(fd);
            return false; // a live VM holds it
        }
        try {
            deleteTree(vm); // holding the lock: nobody else sweeps it meanwhile
        } finally {
            close(fd);
        }
        return true;
    }

    private static void close(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // closed either way
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.debug("deleting {}: {}", dir, e.toString());
        }
    }
}
