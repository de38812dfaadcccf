// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** Keeps every line logged through {@link #logger()} (level and formatted text), for tests that check log wording. */
public final class RecordingLogger {

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                String name = method.getName();
                if (name.startsWith("is") && method.getReturnType() == boolean.class) {
                    return true;
                }
                if (name.equals("getName")) {
                    return "recording";
                }
                if (LEVELS.contains(name) && args != null && args.length > 0 && args[0] instanceof String pattern) {
                    Object[] rest = Arrays.copyOfRange(args, 1, args.length);
                    if (rest.length == 1 && rest[0] instanceof Object[] varargs) {
                        rest = varargs;
                    }
                    String line = name.toUpperCase() + " " + MessageFormatter.arrayFormat(pattern, rest).getMessage();
                    lines.add(line);
                    System.err.println(line);
                }
                if (name.equals("toString")) {
                    return "RecordingLogger";
                }
                return null;
            });

    public Logger logger() {
        return logger;
    }

    /** The lines that contain {@code text}. */
    public List<String> containing(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }
}
