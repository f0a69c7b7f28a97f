package org.cmag.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --flag value} parser with errors that name the flag. */
final class Args {
    private final Map<String, List<String>> flags = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    Args(String[] args, int from, Set<String> valueFlags, Set<String> booleanFlags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                flags.computeIfAbsent("--help", k -> new ArrayList<>()).add("true");
            } else if (valueFlags.contains(a)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                flags.computeIfAbsent(a, k -> new ArrayList<>()).add(args[++i]);
            } else if (booleanFlags.contains(a)) {
                flags.computeIfAbsent(a, k -> new ArrayList<>()).add("true");
            } else if (a.startsWith("-")) {
                throw new UsageException("unknown option " + a);
            } else {
                positional.add(a);
            }
        }
    }

    boolean help() {
        return flags.containsKey("--help");
    }

    boolean has(String flag) {
        return flags.containsKey(flag);
    }

    String get(String flag, String fallback) {
        List<String> v = flags.get(flag);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    String require(String flag) {
        String v = get(flag, null);
        if (v == null) {
            throw new UsageException(flag + " is required");
        }
        return v;
    }

    List<String> all(String flag) {
        return flags.getOrDefault(flag, List.of());
    }

    int integer(String flag, int fallback) {
        String v = get(flag, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a whole number, not '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** Bad command line: exit code 2 with the message. */
    /**
     * Adds {@code Authorization: Bearer} from the environment variable {@code CMAG_ACCESS_TOKEN} (a gateway in
     * {@code gateway.auth.mode=keycloak} requires it on its API); nothing when it is unset. Never printed.
     */
    static java.net.http.HttpRequest.Builder withToken(java.net.http.HttpRequest.Builder request) {
        String token = System.getenv("CMAG_ACCESS_TOKEN");
        return token == null || token.isBlank() ? request : request.header("Authorization", "Bearer " + token.trim());
    }

    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
