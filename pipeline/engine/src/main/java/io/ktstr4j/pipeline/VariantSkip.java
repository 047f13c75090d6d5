package io.ktstr4j.pipeline;

/** Thrown while planning when a variant cannot run on its topology (e.g. a scenario needs more LLCs): a SKIP. */
public class VariantSkip extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VariantSkip(String reason) {
        super(reason);
    }
}
