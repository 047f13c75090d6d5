package io.ktstr4j.vmm.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.topology.Topology;
import io.ktstr4j.schemas.topology.TopologyPresets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

    private static List<String> argv(String topo, MachineType machine, boolean kvm, long memoryMb) {
        Topology t = TopologyPresets.resolve(topo);
        MachineType m = machine.resolve(t.numaNodes());
        GuestRamLayout ram = GuestRamLayout.plan(m, memoryMb, GuestRamLayout.splitByNode(t, memoryMb), 16 << 20,
                "/dev/shm/ktstr4j-qemu-1-1");
        return QemuCommand.argv(new QemuCommand.Spec(Path.of("/usr/bin/qemu-system-x86_64"), m, kvm, t, ram,
                Path.of("/k/bzImage"), Path.of("/k/initrd"), "console=ttyS0", Path.of("/r/com1.sock"),
                Path.of("/r/com2.sock"), Path.of("/r/qmp.sock"), Path.of("/r/qmp-control.sock")));
    }

    /** Values of every occurrence of option {@code opt}. */
    private static List<String> values(List<String> argv, String opt) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(opt)) {
                out.add(argv.get(i + 1));
            }
        }
        return out;
    }

    @Test
    void tiny1llcOnMicrovmUnderTcg() {
        List<String> a = argv("tiny-1llc", MachineType.AUTO, false, 512);
        assertThat(a.get(0)).isEqualTo("/usr/bin/qemu-system-x86_64");
        assertThat(a).contains("-nodefaults", "-no-reboot");
        assertThat(values(a, "-M")).containsExactly("microvm,auto-kernel-cmdline=off,memory-backend=ram-node0");
        assertThat(values(a, "-m")).containsExactly("512M");
        assertThat(values(a, "-accel")).containsExactly("tcg,thread=multi");
        assertThat(values(a, "-cpu")).containsExactly("max,-cx16");
        assertThat(values(a, "-smp")).containsExactly("4,sockets=1,dies=1,cores=4,threads=1");
        assertThat(values(a, "-object")).containsExactly(
                "memory-backend-file,id=ram-node0,size=536870912,mem-path=/dev/shm/ktstr4j-qemu-1-1-node0,share=on");
        assertThat(values(a, "-numa")).isEmpty();
        assertThat(values(a, "-serial")).containsExactly("chardev:com1");
        assertThat(values(a, "-device")).containsExactly("isa-serial,chardev=com2,iobase=0x2f8,irq=3");
        assertThat(values(a, "-chardev")).containsExactly("socket,id=com1,path=/r/com1.sock",
                "socket,id=com2,path=/r/com2.sock", "socket,id=qmp,path=/r/qmp.sock",
                "socket,id=qmpctl,path=/r/qmp-control.sock,server=on,wait=off");
        assertThat(values(a, "-mon")).containsExactly("chardev=qmp,mode=control", "chardev=qmpctl,mode=control");
        assertThat(values(a, "-name")).as("vCPU threads named CPU n/TCG for the monitor")
                .containsExactly("ktstr4j,debug-threads=on");
        assertThat(values(a, "-kernel")).containsExactly("/k/bzImage");
        assertThat(values(a, "-initrd")).containsExactly("/k/initrd");
        assertThat(values(a, "-append")).containsExactly("console=ttyS0");
    }

    @Test
    void llcsBecomeSocketsAndSmtBecomesThreads() {
        assertThat(values(argv("tiny-2llc", MachineType.AUTO, false, 512), "-smp"))
                .containsExactly("4,sockets=2,dies=1,cores=2,threads=1");
        assertThat(values(argv("smt-2llc", MachineType.AUTO, false, 512), "-smp"))
                .containsExactly("8,sockets=2,dies=1,cores=2,threads=2");
    }

    @Test
    void numaTopologyUsesPcWithOneMemdevPerNodeSocketsOnNodesAndDistances() {
        List<String> a = argv("numa2-4llc", MachineType.AUTO, false, 1024);
        assertThat(values(a, "-M")).containsExactly("pc");
        assertThat(values(a, "-smp")).containsExactly("16,sockets=4,dies=1,cores=4,threads=1");
        assertThat(values(a, "-object")).containsExactly(
                "memory-backend-file,id=ram-node0,size=536870912,mem-path=/dev/shm/ktstr4j-qemu-1-1-node0,share=on",
                "memory-backend-file,id=ram-node1,size=536870912,mem-path=/dev/shm/ktstr4j-qemu-1-1-node1,share=on");
        assertThat(values(a, "-numa")).containsExactly(
                "node,nodeid=0,memdev=ram-node0", "node,nodeid=1,memdev=ram-node1",
                "cpu,node-id=0,socket-id=0", "cpu,node-id=0,socket-id=1",
                "cpu,node-id=1,socket-id=2", "cpu,node-id=1,socket-id=3",
                "dist,src=0,dst=1,val=20", "dist,src=1,dst=0,val=20");
        assertThat(values(a, "-serial")).containsExactly("chardev:com1", "chardev:com2");
        assertThat(values(a, "-device")).isEmpty();
    }

    @Test
    void customDistancesArePassedThrough() {
        Topology t = new Topology(2, 2, 1, 1, List.of(), List.of(List.of(10, 31), List.of(31, 10)));
        GuestRamLayout ram = GuestRamLayout.plan(MachineType.PC, 256, GuestRamLayout.splitByNode(t, 256), 0, "/x");
        List<String> a = QemuCommand.argv(new QemuCommand.Spec(Path.of("q"), MachineType.PC, false, t, ram,
                Path.of("k"), null, "c", Path.of("1"), Path.of("2"), null, null));
        assertThat(values(a, "-numa")).contains("dist,src=0,dst=1,val=31", "dist,src=1,dst=0,val=31");
        assertThat(a).doesNotContain("-initrd", "-mon");
    }

    @Test
    void kvmAccelerationUsesTheHostCpu() {
        List<String> a = argv("tiny-2llc", MachineType.AUTO, true, 512);
        assertThat(values(a, "-accel")).containsExactly("kvm");
        assertThat(values(a, "-cpu")).containsExactly("host");
    }

    @Test
    void singleNodeOnPcWhenForced() {
        List<String> a = argv("tiny-2llc", MachineType.PC, false, 512);
        assertThat(values(a, "-M")).containsExactly("pc,memory-backend=ram-node0");
        assertThat(values(a, "-serial")).containsExactly("chardev:com1", "chardev:com2");
    }

    @Test
    void commasInPathsAreDoubledInsideOptionLists() {
        Topology t = TopologyPresets.resolve("tiny-1llc");
        MachineType m = MachineType.AUTO.resolve(t.numaNodes());
        GuestRamLayout ram = GuestRamLayout.plan(m, 512, GuestRamLayout.splitByNode(t, 512), 16 << 20,
                "/dev/shm/a,b");
        List<String> a = QemuCommand.argv(new QemuCommand.Spec(Path.of("/usr/bin/qemu-system-x86_64"), m, false, t,
                ram, Path.of("/k,1/bzImage"), null, "console=ttyS0", Path.of("/r,x/com1.sock"),
                Path.of("/r,x/com2.sock"), Path.of("/r,x/qmp.sock"), Path.of("/r,x/ctl,sock")));
        assertThat(values(a, "-object")).containsExactly(
                "memory-backend-file,id=ram-node0,size=536870912,mem-path=/dev/shm/a,,b-node0,share=on");
        assertThat(values(a, "-chardev")).containsExactly("socket,id=com1,path=/r,,x/com1.sock",
                "socket,id=com2,path=/r,,x/com2.sock", "socket,id=qmp,path=/r,,x/qmp.sock",
                "socket,id=qmpctl,path=/r,,x/ctl,,sock,server=on,wait=off");
        assertThat(values(a, "-kernel")).as("-kernel takes a plain path, not an option list")
                .containsExactly("/k,1/bzImage");
    }
}
