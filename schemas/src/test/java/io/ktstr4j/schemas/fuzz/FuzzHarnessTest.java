package io.ktstr4j.schemas.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness itself: it catches a hang, an allocation over the bound and an exception outside the boundary. */
class FuzzHarnessTest {

    static final Fuzz.Limits ANY_IAE = new Fuzz.Limits(Duration.ofMillis(200),
            t -> t instanceof IllegalArgumentException);

    @Test
    void aHangingCaseFailsTheRunAndSaysWhere() {
        assertThatThrownBy(() -> Fuzz.run("hang", 10, ANY_IAE, ctx -> {
            if (ctx.index == 3) {
                Thread.sleep(60_000);
            }
        })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("fuzz hang: case 3 (seed ")
                .hasMessageContaining("hangs: still running after 400 ms")
                .hasMessageContaining("-Dfuzz.case=3")
                .hasMessageContaining("Thread.sleep");
    }

    @Test
    void anAllocationOverTheBoundIsAFindingAfterTheWarmUp() {
        List<byte[]> keep = new ArrayList<>();
        assertThatThrownBy(() -> Fuzz.run("alloc", Fuzz.WARM_UP + 10, ANY_IAE, ctx ->
                ctx.underTest(1 << 20, () -> keep.add(new byte[2 << 20]))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fuzz alloc: case " + Fuzz.WARM_UP + " ")
                .hasMessageMatching("(?s).*allocated \\d+ bytes, its bound is 1048576.*");
    }

    @Test
    void onlyTheBoundarysExceptionsAreRefusalsAnythingElseIsAFinding() {
        Fuzz.Report ok = Fuzz.run("refusals", 50, ANY_IAE, ctx -> ctx.underTest(1 << 20, () -> {
            throw new IllegalArgumentException("refused");
        }));
        assertThat(ok.refusals()).containsEntry("IllegalArgumentException", 50L);
        assertThatThrownBy(() -> Fuzz.run("npe", 50, ANY_IAE, ctx -> ctx.underTest(1 << 20, () -> {
            throw new NullPointerException("bug");
        }))).isInstanceOf(AssertionError.class).hasMessageContaining("threw outside its boundary: "
                + "java.lang.NullPointerException: bug");
        assertThatThrownBy(() -> Fuzz.run("soe", 5, new Fuzz.Limits(Duration.ofSeconds(1), t -> true),
                ctx -> ctx.underTest(1 << 20, () -> {
                    throw new StackOverflowError();
                }))).isInstanceOf(AssertionError.class).hasMessageContaining("StackOverflowError");
    }

    @Test
    void aCaseSeesTheSameRandomNumbersEveryRun() {
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        Fuzz.run("seeded", 20, ANY_IAE, ctx -> first.add(ctx.rnd.nextLong()));
        Fuzz.run("seeded", 20, ANY_IAE, ctx -> second.add(ctx.rnd.nextLong()));
        assertThat(first).hasSize(20).isEqualTo(second).doesNotHaveDuplicates();
    }
}
