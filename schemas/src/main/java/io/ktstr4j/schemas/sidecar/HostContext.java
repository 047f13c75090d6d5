package io.ktstr4j.schemas.sidecar;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host a run executed on (ktstr {@code HostContext}). Every field is optional; as in ktstr, absent values are
 * omitted from JSON and the governor map is omitted when empty.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostContext(
        String cpuModel,
        String cpuVendor,
        Long totalMemoryKb,
        Long hugepagesTotal,
        Long hugepagesFree,
        Long hugepagesSizeKb,
        String thpEnabled,
        String thpDefrag,
        Map<String, String> schedTunables,
        Integer onlineCpus,
        Integer numaNodes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<Integer, String> cpufreqGovernor,
        String kernelName,
        String kernelRelease,
        String arch,
        String kernelCmdline,
        HeapState heapState) {

    public HostContext {
        schedTunables = schedTunables == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(schedTunables));
        cpufreqGovernor = cpufreqGovernor == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(cpufreqGovernor));
    }


    /** A builder with every field unset (null; the governor map empty); see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's fields, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.cpuModel = cpuModel;
        b.cpuVendor = cpuVendor;
        b.totalMemoryKb = totalMemoryKb;
        b.hugepagesTotal = hugepagesTotal;
        b.hugepagesFree = hugepagesFree;
        b.hugepagesSizeKb = hugepagesSizeKb;
        b.thpEnabled = thpEnabled;
        b.thpDefrag = thpDefrag;
        b.schedTunables = schedTunables;
        b.onlineCpus = onlineCpus;
        b.numaNodes = numaNodes;
        b.cpufreqGovernor = cpufreqGovernor;
        b.kernelName = kernelName;
        b.kernelRelease = kernelRelease;
        b.arch = arch;
        b.kernelCmdline = kernelCmdline;
        b.heapState = heapState;
        return b;
    }

    /** Builds a {@link HostContext} field by field, one setter per field; a field not set is null (unknown). */
    public static final class Builder {
        private String cpuModel;
        private String cpuVendor;
        private Long totalMemoryKb;
        private Long hugepagesTotal;
        private Long hugepagesFree;
        private Long hugepagesSizeKb;
        private String thpEnabled;
        private String thpDefrag;
        private Map<String, String> schedTunables;
        private Integer onlineCpus;
        private Integer numaNodes;
        private Map<Integer, String> cpufreqGovernor;
        private String kernelName;
        private String kernelRelease;
        private String arch;
        private String kernelCmdline;
        private HeapState heapState;

        private Builder() {}

        public Builder cpuModel(String cpuModel) {
            this.cpuModel = cpuModel;
            return this;
        }

        public Builder cpuVendor(String cpuVendor) {
            this.cpuVendor = cpuVendor;
            return this;
        }

        public Builder totalMemoryKb(Long totalMemoryKb) {
            this.totalMemoryKb = totalMemoryKb;
            return this;
        }

        public Builder hugepagesTotal(Long hugepagesTotal) {
            this.hugepagesTotal = hugepagesTotal;
            return this;
        }

        public Builder hugepagesFree(Long hugepagesFree) {
            this.hugepagesFree = hugepagesFree;
            return this;
        }

        public Builder hugepagesSizeKb(Long hugepagesSizeKb) {
            this.hugepagesSizeKb = hugepagesSizeKb;
            return this;
        }

        public Builder thpEnabled(String thpEnabled) {
            this.thpEnabled = thpEnabled;
            return this;
        }

        public Builder thpDefrag(String thpDefrag) {
            this.thpDefrag = thpDefrag;
            return this;
        }

        public Builder schedTunables(Map<String, String> schedTunables) {
            this.schedTunables = schedTunables;
            return this;
        }

        public Builder onlineCpus(Integer onlineCpus) {
            this.onlineCpus = onlineCpus;
            return this;
        }

        public Builder numaNodes(Integer numaNodes) {
            this.numaNodes = numaNodes;
            return this;
        }

        public Builder cpufreqGovernor(Map<Integer, String> cpufreqGovernor) {
            this.cpufreqGovernor = cpufreqGovernor;
            return this;
        }

        public Builder kernelName(String kernelName) {
            this.kernelName = kernelName;
            return this;
        }

        public Builder kernelRelease(String kernelRelease) {
            this.kernelRelease = kernelRelease;
            return this;
        }

        public Builder arch(String arch) {
            this.arch = arch;
            return this;
        }

        public Builder kernelCmdline(String kernelCmdline) {
            this.kernelCmdline = kernelCmdline;
            return this;
        }

        public Builder heapState(HeapState heapState) {
            this.heapState = heapState;
            return this;
        }

        /** The record, normalised by its constructor. */
        public HostContext build() {
            return new HostContext(cpuModel, cpuVendor, totalMemoryKb, hugepagesTotal, hugepagesFree, hugepagesSizeKb, thpEnabled, thpDefrag, schedTunables, onlineCpus, numaNodes, cpufreqGovernor, kernelName, kernelRelease, arch, kernelCmdline, heapState);
        }
    }
}
