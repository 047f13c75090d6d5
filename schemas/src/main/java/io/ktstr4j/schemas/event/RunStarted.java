package io.ktstr4j.schemas.event;

import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * The first event of a run (one {@code ktstr4j run} command), before any VM boots. Its envelope has the run id and no
 * variant key.
 *
 * @param variants the planned variant keys, in the order they will run
 * @param host     the host name of the machine running the command (null if unknown)
 * @param kernels  the distinct kernel images the variants boot, as given
 * @param backend  the VM backend ({@code kvm} or {@code qemu})
 * @param version  the ktstr4j version (null if unknown, e.g. run from classes)
 */
public record RunStarted(List<String> variants, String host, List<String> kernels, String backend, String version)
        implements EventBody {
    public RunStarted {
        variants = Validate.list("variants", variants);
        kernels = Validate.list("kernels", kernels);
        Validate.nonBlank("backend", backend);
    }
}
