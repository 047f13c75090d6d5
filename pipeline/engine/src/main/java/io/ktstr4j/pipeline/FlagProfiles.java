package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.spec.FlagDecl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ktstr's flag profiles: the power set of a scheduler's declared flags, keeping only sets where every flag's
 * {@code requires} are present, every required flag is on and no excluded flag is. Sorted flag lists.
 */
public final class FlagProfiles {

    public static final int MAX_FLAGS = 16;

    private FlagProfiles() {
    }

    public static List<List<String>> of(List<FlagDecl> flags, List<String> required, List<String> excluded) {
        if (flags.size() > MAX_FLAGS) {
            throw new IllegalArgumentException("flags: " + flags.size() + " declared; at most " + MAX_FLAGS
                    + " are expanded into profiles");
        }
        List<List<String>> out = new ArrayList<>();
        int n = flags.size();
        for (int mask = 0; mask < (1 << n); mask++) {
            Set<String> on = new HashSet<>();
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    on.add(flags.get(i).name());
                }
            }
            if (!on.containsAll(required) || excluded.stream().anyMatch(on::contains)) {
                continue;
            }
            boolean ok = true;
            for (FlagDecl f : flags) {
                if (on.contains(f.name()) && !on.containsAll(f.requires())) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                out.add(on.stream().sorted().toList());
            }
        }
        return out;
    }

    /** Scheduler arguments the active flags add, in declaration order. */
    public static List<String> args(List<FlagDecl> flags, List<String> active) {
        List<String> out = new ArrayList<>();
        for (FlagDecl f : flags) {
            if (active.contains(f.name())) {
                out.addAll(f.args());
            }
        }
        return out;
    }
}
