package io.ktstr4j.vmm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.ChannelError;
import io.ktstr4j.schemas.event.GuestCrash;
import io.ktstr4j.schemas.event.GuestExit;
import io.ktstr4j.schemas.event.GuestMessage;
import io.ktstr4j.schemas.event.InitStage;
import io.ktstr4j.schemas.event.ScenarioEnd;
import io.ktstr4j.schemas.event.ScenarioStart;
import io.ktstr4j.schemas.event.SchedExit;
import io.ktstr4j.schemas.event.Stimulus;
import io.ktstr4j.schemas.event.TestResult;
import io.ktstr4j.schemas.verdict.DetailKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlvDecoderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesEveryFixedLayoutType() {
        assertThat(TlvDecoder.decode(ShmLayout.MSG_SCENARIO_START, new byte[0])).isEqualTo(new ScenarioStart());
        assertThat(TlvDecoder.decode(ShmLayout.MSG_STIMULUS, TestRingWriter.stimulus(1234, 3, 2, 0x41, 4, 16,
                0x1_0000_0005L))).isEqualTo(new Stimulus(1234, 3, 2, 0x41, 4, 16, 0x1_0000_0005L));
        assertThat(TlvDecoder.decode(ShmLayout.MSG_SCENARIO_END, TestRingWriter.i32(777)))
                .isEqualTo(new ScenarioEnd(777));
        assertThat(TlvDecoder.decode(ShmLayout.MSG_EXIT, TestRingWriter.i32(-3))).isEqualTo(new GuestExit(-3));
        assertThat(TlvDecoder.decode(ShmLayout.MSG_SCHED_EXIT, TestRingWriter.i32(137))).isEqualTo(new SchedExit(137));
        assertThat(TlvDecoder.decode(ShmLayout.MSG_CRASH, utf8("PANIC: x"))).isEqualTo(new GuestCrash("PANIC: x"));
        assertThat(TlvDecoder.decode(ShmLayout.MSG_INIT_STAGE, utf8("SCHED_STARTED")))
                .isEqualTo(new InitStage("SCHED_STARTED"));
    }

    @Test
    void stimulusIsLittleEndianWithUnsignedFields() {
        byte[] p = TestRingWriter.stimulus(0xFFFF_FFF0L, 0xFFFF, 0x8001, 0xFFFF_FFFFL, 0x8000, 1, -1L);
        Stimulus s = (Stimulus) TlvDecoder.decode(ShmLayout.MSG_STIMULUS, p);
        assertThat(s.elapsedMs()).isEqualTo(0xFFFF_FFF0L);
        assertThat(s.stepIndex()).isEqualTo(0xFFFF);
        assertThat(s.opCount()).isEqualTo(0x8001);
        assertThat(s.opKinds()).isEqualTo(0xFFFF_FFFFL);
        assertThat(s.cgroupCount()).isEqualTo(0x8000);
        assertThat(s.totalIterations()).isEqualTo(-1L);
    }

    @Test
    void decodesTheAgentsTestResultJson() {
        String json = "{\"passed\":false,\"skipped\":false,\"details\":[{\"kind\":\"SchedulerDied\","
                + "\"message\":\"scheduler (pid 42) exited with status 137 during the run\"}]}";
        GuestMessage m = TlvDecoder.decode(ShmLayout.MSG_TEST_RESULT, utf8(json));
        assertThat(m).isInstanceOf(TestResult.class);
        TestResult r = (TestResult) m;
        assertThat(r.result().passed()).isFalse();
        assertThat(r.result().details()).hasSize(1);
        assertThat(r.result().details().get(0).kind()).isEqualTo(DetailKind.SCHEDULER_DIED);
    }

    @Test
    void decodesTheAgentsWorkerReportsJsonWhichHasNoTypeField() {
        // verbatim from the agent in host mode
        String json = """
                {"cgroup":"bd","reports":[{"tid":5398,"work_units":9858441,"cpu_time_ns":199336936,\
                "wall_time_ns":199430112,"off_cpu_ns":93176,"migration_count":0,"cpus_used":[1],"migrations":[],\
                "max_gap_ms":0,"max_gap_cpu":1,"max_gap_at_ms":11,"resume_latencies_ns":[],"wake_sample_total":0,\
                "iterations":9628,"schedstat_run_delay_ns":97334,"schedstat_run_count":2,\
                "schedstat_cpu_time_ns":200070543,"completed":true,"numa_pages":{"0":205},\
                "vmstat_numa_pages_migrated":0,"is_messenger":false,"exit_info":{"Exited":0}}]}""";
        GuestMessage m = TlvDecoder.decode(ShmLayout.MSG_WORKER_REPORTS, utf8(json));
        assertThat(m).isInstanceOf(io.ktstr4j.schemas.event.WorkerReports.class);
        io.ktstr4j.schemas.event.WorkerReports r = (io.ktstr4j.schemas.event.WorkerReports) m;
        assertThat(r.cgroup()).isEqualTo("bd");
        assertThat(r.reports()).singleElement().satisfies(w -> {
            assertThat(w.workUnits()).isEqualTo(9858441);
            assertThat(w.cpusUsed()).containsExactly(1);
        });
    }

    @Test
    void wrongSizesBadJsonBadUtf8AndUnknownTypesAreChannelErrors() {
        assertThat(kind(TlvDecoder.decode(ShmLayout.MSG_STIMULUS, new byte[23]))).isEqualTo("bad_length");
        assertThat(kind(TlvDecoder.decode(ShmLayout.MSG_EXIT, new byte[5]))).isEqualTo("bad_length");
        assertThat(kind(TlvDecoder.decode(ShmLayout.MSG_TEST_RESULT, utf8("{\"passed\":")))).isEqualTo("bad_payload");
        assertThat(kind(TlvDecoder.decode(ShmLayout.MSG_WORKER_REPORTS, utf8("[]")))).isEqualTo("bad_payload");
        assertThat(kind(TlvDecoder.decode(ShmLayout.MSG_INIT_STAGE, new byte[] {(byte) 0xC3}))).isEqualTo("bad_payload");
        assertThat(kind(TlvDecoder.decode(ShmLayout.MSG_INIT_STAGE, new byte[0]))).isEqualTo("bad_payload");
        ChannelError unknown = (ChannelError) TlvDecoder.decode(0x41424344, new byte[3]);
        assertThat(unknown.kind()).isEqualTo("unknown_type");
        assertThat(unknown.detail()).contains("ABCD");
    }

    @Test
    void crcIsChecked() {
        byte[] p = TestRingWriter.i32(0);
        int good = (int) TlvDecoder.crc32(p, 0, 4);
        assertThat(TlvDecoder.decode(ShmLayout.MSG_EXIT, p, good)).isEqualTo(new GuestExit(0));
        assertThat(kind(TlvDecoder.decode(ShmLayout.MSG_EXIT, p, good ^ 1))).isEqualTo("crc_mismatch");
    }

    @Test
    void streamDecodingStopsCleanlyOnTruncationAndHugeLengths() throws Exception {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        frame(s, ShmLayout.MSG_SCENARIO_START, new byte[0]);
        frame(s, ShmLayout.MSG_EXIT, TestRingWriter.i32(4));
        byte[] ok = s.toByteArray();
        List<GuestMessage> got = new ArrayList<>();
        assertThat(TlvDecoder.decodeStream(new ByteArrayInputStream(ok), got::add)).isEqualTo(2);
        assertThat(got).containsExactly(new ScenarioStart(), new GuestExit(4));

        got.clear();
        TlvDecoder.decodeStream(new ByteArrayInputStream(ok, 0, ok.length - 2), got::add);
        assertThat(got).hasSize(2);
        assertThat(kind(got.get(1))).isEqualTo("truncated");

        byte[] huge = new byte[16];
        ShmLayout.putU32(huge, 0, ShmLayout.MSG_CRASH);
        ShmLayout.putU32(huge, 4, -1); // 4 GiB claimed: must not allocate it
        got.clear();
        TlvDecoder.decodeStream(new ByteArrayInputStream(huge), got::add);
        assertThat(got).singleElement().extracting(TlvDecoderTest::kind).isEqualTo("bad_length");
    }

    static void frame(ByteArrayOutputStream s, int type, byte[] payload) {
        byte[] h = new byte[16];
        ShmLayout.putU32(h, 0, type);
        ShmLayout.putU32(h, 4, payload.length);
        ShmLayout.putU32(h, 8, (int) TlvDecoder.crc32(payload, 0, payload.length));
        s.writeBytes(h);
        s.writeBytes(payload);
    }

    static String kind(GuestMessage m) {
        assertThat(m).isInstanceOf(ChannelError.class);
        return ((ChannelError) m).kind();
    }
}
