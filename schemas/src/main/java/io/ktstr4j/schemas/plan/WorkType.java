package io.ktstr4j.schemas.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ktstr4j.schemas.InvalidFieldException;
import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * What a worker process does (ktstr {@code WorkType}); parameters omitted in JSON take ktstr's defaults.
 * ktstr's 20th kind, {@code Custom} (arbitrary guest code), has no data form and is not supported.
 * JSON: {@code {"kind":"bursty","burst_ms":50,"sleep_ms":100}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = WorkType.CpuSpin.class, name = "cpu_spin"),
        @JsonSubTypes.Type(value = WorkType.YieldHeavy.class, name = "yield_heavy"),
        @JsonSubTypes.Type(value = WorkType.Mixed.class, name = "mixed"),
        @JsonSubTypes.Type(value = WorkType.IoSync.class, name = "io_sync"),
        @JsonSubTypes.Type(value = WorkType.Bursty.class, name = "bursty"),
        @JsonSubTypes.Type(value = WorkType.PipeIo.class, name = "pipe_io"),
        @JsonSubTypes.Type(value = WorkType.FutexPingPong.class, name = "futex_ping_pong"),
        @JsonSubTypes.Type(value = WorkType.CachePressure.class, name = "cache_pressure"),
        @JsonSubTypes.Type(value = WorkType.CacheYield.class, name = "cache_yield"),
        @JsonSubTypes.Type(value = WorkType.CachePipe.class, name = "cache_pipe"),
        @JsonSubTypes.Type(value = WorkType.FutexFanOut.class, name = "futex_fan_out"),
        @JsonSubTypes.Type(value = WorkType.FanOutCompute.class, name = "fan_out_compute"),
        @JsonSubTypes.Type(value = WorkType.Sequence.class, name = "sequence"),
        @JsonSubTypes.Type(value = WorkType.ForkExit.class, name = "fork_exit"),
        @JsonSubTypes.Type(value = WorkType.NiceSweep.class, name = "nice_sweep"),
        @JsonSubTypes.Type(value = WorkType.AffinityChurn.class, name = "affinity_churn"),
        @JsonSubTypes.Type(value = WorkType.PolicyChurn.class, name = "policy_churn"),
        @JsonSubTypes.Type(value = WorkType.PageFaultChurn.class, name = "page_fault_churn"),
        @JsonSubTypes.Type(value = WorkType.MutexContention.class, name = "mutex_contention")
})
public sealed interface WorkType {

    /** ktstr's PascalCase name, as the sidecar's {@code work_type} field carries it (e.g. {@code CpuSpin}). */
    default String pascalName() {
        return getClass().getSimpleName();
    }

    /** Workers of this kind come in pairs (partner pipes/futexes): the worker count must be even. */
    default boolean pairsWorkers() {
        return false;
    }

    /** Workers must be a multiple of this group size (1 = no constraint). */
    default int workerGroupSize() {
        return pairsWorkers() ? 2 : 1;
    }

    /** Tight spin loop; pure CPU-bound (the default). */
    record CpuSpin() implements WorkType {}

    /** sched_yield every iteration. */
    record YieldHeavy() implements WorkType {}

    /** 1024 spin iterations, then yield. */
    record Mixed() implements WorkType {}

    /** Write 64 KB to a temp file, then sleep 100 µs. */
    record IoSync() implements WorkType {}

    /** CPU burst then sleep. Defaults 50 ms / 100 ms. */
    record Bursty(Long burstMs, Long sleepMs) implements WorkType {
        public Bursty {
            burstMs = Validate.atLeast("burst_ms", burstMs == null ? 50 : burstMs, 1);
            sleepMs = Validate.atLeast("sleep_ms", sleepMs == null ? 100 : sleepMs, 0);
        }
    }

    /** CPU burst then a 1-byte pipe exchange with a partner. Default 1024 iterations. Even worker count. */
    record PipeIo(Long burstIters) implements WorkType {
        public PipeIo {
            burstIters = Validate.atLeast("burst_iters", burstIters == null ? 1024 : burstIters, 1);
        }

        @Override
        public boolean pairsWorkers() {
            return true;
        }
    }

    /** Paired futex wait/wake. Default 1024 spin iterations. Even worker count. */
    record FutexPingPong(Long spinIters) implements WorkType {
        public FutexPingPong {
            spinIters = Validate.atLeast("spin_iters", spinIters == null ? 1024 : spinIters, 0);
        }

        @Override
        public boolean pairsWorkers() {
            return true;
        }
    }

    /** Strided read-modify-write over a buffer. Defaults 32 KB, stride 64. */
    record CachePressure(Long sizeKb, Long stride) implements WorkType {
        public CachePressure {
            sizeKb = Validate.atLeast("size_kb", sizeKb == null ? 32 : sizeKb, 1);
            stride = Validate.atLeast("stride", stride == null ? 64 : stride, 1);
        }
    }

    /** Cache pressure then sched_yield. Defaults 32 KB, stride 64. */
    record CacheYield(Long sizeKb, Long stride) implements WorkType {
        public CacheYield {
            sizeKb = Validate.atLeast("size_kb", sizeKb == null ? 32 : sizeKb, 1);
            stride = Validate.atLeast("stride", stride == null ? 64 : stride, 1);
        }
    }

    /** Cache pressure then a partner pipe exchange. Defaults 32 KB, 1024 iterations. Even worker count. */
    record CachePipe(Long sizeKb, Long burstIters) implements WorkType {
        public CachePipe {
            sizeKb = Validate.atLeast("size_kb", sizeKb == null ? 32 : sizeKb, 1);
            burstIters = Validate.atLeast("burst_iters", burstIters == null ? 1024 : burstIters, 1);
        }

        @Override
        public boolean pairsWorkers() {
            return true;
        }
    }

    /** One messenger wakes {@code fan_out} receivers. Defaults 4 / 1024. Workers divisible by fan_out+1. */
    record FutexFanOut(Integer fanOut, Long spinIters) implements WorkType {
        public FutexFanOut {
            fanOut = (int) Validate.atLeast("fan_out", fanOut == null ? 4 : fanOut, 1);
            spinIters = Validate.atLeast("spin_iters", spinIters == null ? 1024 : spinIters, 0);
        }

        @Override
        public int workerGroupSize() {
            return fanOut + 1;
        }
    }

    /** Messenger wakes workers that then sleep and multiply matrices. Defaults 4 / 256 KB / 5 / 100 µs. */
    record FanOutCompute(Integer fanOut, Long cacheFootprintKb, Integer operations, Long sleepUsec) implements WorkType {
        public FanOutCompute {
            fanOut = (int) Validate.atLeast("fan_out", fanOut == null ? 4 : fanOut, 1);
            cacheFootprintKb = Validate.atLeast("cache_footprint_kb", cacheFootprintKb == null ? 256 : cacheFootprintKb, 1);
            operations = (int) Validate.atLeast("operations", operations == null ? 5 : operations, 1);
            sleepUsec = Validate.atLeast("sleep_usec", sleepUsec == null ? 100 : sleepUsec, 0);
        }

        @Override
        public int workerGroupSize() {
            return fanOut + 1;
        }
    }

    /** Loops through phases (at least one). */
    record Sequence(List<Phase> phases) implements WorkType {
        public Sequence {
            phases = Validate.list("phases", phases);
            if (phases.isEmpty()) throw new InvalidFieldException("phases", "must have at least one phase");
        }
    }

    /** Fork a child that exits, wait for it, repeat. */
    record ForkExit() implements WorkType {}

    /** Spin, cycle nice -20..19, yield. */
    record NiceSweep() implements WorkType {}

    /** Spin, sched_setaffinity to a random CPU of the cpuset, yield. Default 1024 iterations. */
    record AffinityChurn(Long spinIters) implements WorkType {
        public AffinityChurn {
            spinIters = Validate.atLeast("spin_iters", spinIters == null ? 1024 : spinIters, 0);
        }
    }

    /** Cycle scheduling policies each iteration. Default 1024 iterations. */
    record PolicyChurn(Long spinIters) implements WorkType {
        public PolicyChurn {
            spinIters = Validate.atLeast("spin_iters", spinIters == null ? 1024 : spinIters, 0);
        }
    }

    /** Fault random pages of a region, drop them, repeat. Defaults 4096 KB / 256 / 64. */
    record PageFaultChurn(Long regionKb, Long touchesPerCycle, Long spinIters) implements WorkType {
        public PageFaultChurn {
            regionKb = Validate.atLeast("region_kb", regionKb == null ? 4096 : regionKb, 4);
            touchesPerCycle = Validate.atLeast("touches_per_cycle", touchesPerCycle == null ? 256 : touchesPerCycle, 1);
            spinIters = Validate.atLeast("spin_iters", spinIters == null ? 64 : spinIters, 0);
        }
    }

    /** N-way CAS + futex mutex. Defaults 4 contenders / 256 / 1024. */
    record MutexContention(Integer contenders, Long holdIters, Long workIters) implements WorkType {
        public MutexContention {
            contenders = (int) Validate.atLeast("contenders", contenders == null ? 4 : contenders, 1);
            holdIters = Validate.atLeast("hold_iters", holdIters == null ? 256 : holdIters, 0);
            workIters = Validate.atLeast("work_iters", workIters == null ? 1024 : workIters, 0);
        }
    }

    /** The default work type. */
    static WorkType defaultType() {
        return new CpuSpin();
    }

    /**
     * A work type with default parameters by ktstr's PascalCase name ({@code Bursty}) or our snake_case type id
     * ({@code bursty}). {@code Sequence} has no default form.
     */
    static WorkType byName(String name) {
        String n = name == null ? "" : name.trim();
        return switch (n.replace("_", "").toLowerCase(java.util.Locale.ROOT)) {
            case "cpuspin" -> new CpuSpin();
            case "yieldheavy" -> new YieldHeavy();
            case "mixed" -> new Mixed();
            case "iosync" -> new IoSync();
            case "bursty" -> new Bursty(null, null);
            case "pipeio" -> new PipeIo(null);
            case "futexpingpong" -> new FutexPingPong(null);
            case "cachepressure" -> new CachePressure(null, null);
            case "cacheyield" -> new CacheYield(null, null);
            case "cachepipe" -> new CachePipe(null, null);
            case "futexfanout" -> new FutexFanOut(null, null);
            case "fanoutcompute" -> new FanOutCompute(null, null, null, null);
            case "forkexit" -> new ForkExit();
            case "nicesweep" -> new NiceSweep();
            case "affinitychurn" -> new AffinityChurn(null);
            case "policychurn" -> new PolicyChurn(null);
            case "pagefaultchurn" -> new PageFaultChurn(null, null, null);
            case "mutexcontention" -> new MutexContention(null, null, null);
            default -> throw new InvalidFieldException("work_type", "'" + name + "' is not a work type with defaults; "
                    + "known: CpuSpin, YieldHeavy, Mixed, IoSync, Bursty, PipeIo, FutexPingPong, CachePressure, "
                    + "CacheYield, CachePipe, FutexFanOut, FanOutCompute, ForkExit, NiceSweep, AffinityChurn, "
                    + "PolicyChurn, PageFaultChurn, MutexContention (Sequence needs phases)");
        };
    }
}
