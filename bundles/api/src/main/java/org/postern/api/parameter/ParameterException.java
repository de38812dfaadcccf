// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

import java.util.Optional;

/**
 * A parameter's value does not fit its declaration (type, bounds, allowed values). The message
 * reads as Postfix's: {@code /etc/postern/main.cf, line 12: smtp_helo_timeout: bad time value: 5x};
 * the source is left out when the value is a default or its origin is not known. It is an
 * {@link IllegalArgumentException}, as the value errors of core's configuration are, so that
 * callers catching those catch this one too.
 */
public final class ParameterException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String parameter;
    private final transient ParameterSource source;
    private final String problem;

    public ParameterException(String parameter, Optional<ParameterSource> source, String problem) {
        super(source.map(s -> s + ": ").orElse("") + parameter + ": " + problem);
        this.parameter = parameter;
        this.source = source.orElse(null);
        this.problem = problem;
    }

    /** The parameter's name. */
    public String parameter() {
        return parameter;
    }

    /** Where the malformed value was set; empty for a default or an unknown origin. */
    public Optional<ParameterSource> source() {
        return Optional.ofNullable(source);
    }

    /** What is wrong, without file, line and name ("bad time value: 5x"). */
    public String problem() {
        return problem;
    }
}
