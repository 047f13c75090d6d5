package io.ktstr4j.schemas.spec;

import io.ktstr4j.schemas.Validate;
import java.util.List;

/**
 * A scheduler flag that the gauntlet can switch on (ktstr {@code FlagDecl}).
 *
 * @param name     flag name (e.g. {@code llc}); profile names join flags with {@code +}
 * @param args     scheduler arguments the flag adds
 * @param requires flags that must also be on
 */
public record FlagDecl(String name, List<String> args, List<String> requires) {
    public FlagDecl {
        Validate.nonBlank("name", name);
        if (name.contains("+")) throw new io.ktstr4j.schemas.InvalidFieldException("name", "'" + name
                + "' must not contain '+' (profile names join flags with it)");
        args = Validate.list("args", args);
        requires = Validate.list("requires", requires);
    }
}
