// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

/**
 * A table could not be opened or an optional operation failed. {@link #isTemporary()} says
 * whether a retry may succeed (server down) or the configuration must change (bad file).
 */
public class DictException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean temporary;

    public DictException(String message, boolean temporary) {
        super(message);
        this.temporary = temporary;
    }

    public DictException(String message, boolean temporary, Throwable cause) {
        super(message, cause);
        this.temporary = temporary;
    }

    public boolean isTemporary() {
        return temporary;
    }

    /** Thrown by the default methods of {@link Dict} for operations a table does not support. */
    public static DictException unsupported(Dict dict, String operation) {
        return new DictException(dict.type() + ":" + dict.name() + ": " + operation + " is not supported by this table type", false);
    }

    /**
     * Thrown by the default {@link DictFactory#create}; core prefixes the type, giving Postfix's
     * "unsupported dictionary type: cidr does not support bulk-mode creation."
     *
     * @since 1.1
     */
    public static DictException cannotCreate() {
        return new DictException(CANNOT_CREATE, false);
    }

    /** The message of {@link #cannotCreate()}. @since 1.1 */
    public static final String CANNOT_CREATE = "does not support bulk-mode creation.";
}
