package io.ktstr4j.vmm.qemu;

import io.ktstr4j.schemas.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The qemu-system-x86_64 argument vector for one VM (pure: no process, no files), so each topology's command line is
 * unit-tested. Every choice that works around a TCG problem is commented where it is made; docs/qemu-backend.md
 * lists them.
 */
public final class QemuCommand {

    /**
     * Everything the command line is made of.
     *
     * @param qemu       the qemu-system-x86_64 binary
     * @param machine    resolved machine type (microvm or pc)
     * @param kvm        {@code -accel kvm} when true, multi-threaded TCG otherwise
     * @param topology   the CPU topology (LLCs become QEMU sockets)
     * @param ram        guest RAM files and layout
     * @param kernel     kernel image
     * @param initrd     one initramfs file (the backend concatenates several), or null
     * @param cmdline    kernel command line
     * @param com1       unix socket the host listens on for COM1 (kernel console)
     * @param com2       unix socket for COM2 (agent output)
     * @param qmp        unix socket for QMP (lifecycle events), or null for none
     * @param control    unix socket QEMU listens on for a second QMP monitor (the host monitor's stop/cont for
     *                   snapshots), or null for none
     */
    public record Spec(Path qemu, MachineType machine, boolean kvm, Topology topology, GuestRamLayout ram, Path kernel,
            Path initrd, String cmdline, Path com1, Path com2, Path qmp, Path control) {}

    private QemuCommand() {}

    /**
     * A value inside a QEMU option list ({@code key=value,key=value}): QEMU reads a comma as the end of the value
     * unless it is doubled, so a path with a comma would cut the value and turn its rest into a bogus key.
     */
    static String optValue(Object value) {
        return value.toString().replace(",", ",,");
    }

    public static List<String> argv(Spec s) {
        List<String> a = new ArrayList<>();
        a.add(s.qemu().toString());
        a.add("-nodefaults");
        a.add("-no-user-config");
        a.add("-display");
        a.add("none");
        // The guest's reboot (and panic, via panic=-1) ends qemu instead of restarting the guest.
        a.add("-no-reboot");
        // Names vCPU threads "CPU <n>/TCG" (or /KVM): the monitor reads their CPU time from /proc to tell a preempted
        // vCPU from a stalled guest CPU.
        a.add("-name");
        a.add("ktstr4j,debug-threads=on");

        for (GuestRamLayout.NodeRam node : s.ram().nodes()) {
            a.add("-object");
            a.add("memory-backend-file,id=" + memId(node.node()) + ",size=" + node.bytes() + ",mem-path="
                    + optValue(node.file()) + ",share=on");
        }
        boolean numa = s.topology().numaNodes() > 1;
        String machine = s.machine().qemuName();
        if (s.machine() == MachineType.MICROVM) {
            // Without this, microvm appends virtio_mmio.device= entries for its 8 empty transports.
            machine += ",auto-kernel-cmdline=off";
        }
        if (!numa) {
            machine += ",memory-backend=" + memId(0);
        }
        a.add("-M");
        a.add(machine);
        a.add("-m");
        a.add(s.ram().totalBytes() / GuestRamLayout.MIB + "M");

        if (s.kvm()) {
            a.add("-accel");
            a.add("kvm");
            a.add("-cpu");
            a.add("host");
        } else {
            a.add("-accel");
            a.add("tcg,thread=multi");
            // QEMU 7.2's TCG mis-emulates cmpxchg16b and a 6.12 guest crashes at random in early boot (13 of 54
            // boots); hiding CX16 made the crash disappear in every boot tried.
            a.add("-cpu");
            a.add("max,-cx16");
        }

        Topology t = s.topology();
        // One QEMU socket per LLC: QEMU's L3 cache is per socket, so LLC groups show up in the guest's cache sysfs.
        a.add("-smp");
        a.add(t.totalCpus() + ",sockets=" + t.llcs() + ",dies=1,cores=" + t.coresPerLlc() + ",threads="
                + t.threadsPerCore());
        if (numa) {
            for (int n = 0; n < t.numaNodes(); n++) {
                a.add("-numa");
                a.add("node,nodeid=" + n + ",memdev=" + memId(n));
            }
            for (int socket = 0; socket < t.llcs(); socket++) {
                a.add("-numa");
                a.add("cpu,node-id=" + t.nodeOfLlc(socket) + ",socket-id=" + socket);
            }
            for (int i = 0; i < t.numaNodes(); i++) {
                for (int j = 0; j < t.numaNodes(); j++) {
                    if (i == j) {
                        continue; // the local distance is always 10
                    }
                    a.add("-numa");
                    a.add("dist,src=" + i + ",dst=" + j + ",val=" + t.distance(i, j));
                }
            }
        }

        a.add("-chardev");
        a.add("socket,id=com1,path=" + optValue(s.com1()));
        a.add("-serial");
        a.add("chardev:com1");
        a.add("-chardev");
        a.add("socket,id=com2,path=" + optValue(s.com2()));
        if (s.machine() == MachineType.MICROVM) {
            // microvm creates only the first ISA serial port from -serial; COM2 is added by hand at its usual place.
            a.add("-device");
            a.add("isa-serial,chardev=com2,iobase=0x2f8,irq=3");
        } else {
            a.add("-serial");
            a.add("chardev:com2");
        }
        if (s.qmp() != null) {
            a.add("-chardev");
            a.add("socket,id=qmp,path=" + optValue(s.qmp()));
            a.add("-mon");
            a.add("chardev=qmp,mode=control");
        }
        if (s.control() != null) {
            // QEMU is the server here so the monitor can connect whenever it needs to (wait=off: boot does not wait).
            a.add("-chardev");
            a.add("socket,id=qmpctl,path=" + optValue(s.control()) + ",server=on,wait=off");
            a.add("-mon");
            a.add("chardev=qmpctl,mode=control");
        }

        a.add("-kernel");
        a.add(s.kernel().toString());
        if (s.initrd() != null) {
            a.add("-initrd");
            a.add(s.initrd().toString());
        }
        a.add("-append");
        a.add(s.cmdline());
        return a;
    }

    static String memId(int node) {
        return "ram-node" + node;
    }
}
