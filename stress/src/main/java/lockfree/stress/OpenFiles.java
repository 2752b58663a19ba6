package lockfree.stress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The open-files wall, checked before a run rather than discovered halfway through its connect
 * phase. Every connection is a file descriptor in the gateway JVM and one in the client JVM; a JVM
 * on Linux raises its own soft limit to the hard one at start-up, so the hard limit
 * ({@code ulimit -Hn}) is what a gateway or client JVM of this run can hold.
 */
final class OpenFiles {
    /** Descriptors a JVM needs besides connections: jars, the listening socket, epoll, logs, pipes. */
    static final int OVERHEAD = 300;

    private static final Pattern MAX_OPEN_FILES = Pattern.compile("(?m)^Max open files\\s+(\\S+)\\s+(\\S+)");

    private OpenFiles() {
    }

    /** This process's hard limit, which the JVMs it starts inherit; empty off Linux or if unlimited. */
    static OptionalLong hardLimit() {
        try {
            return hardLimit(Files.readString(Path.of("/proc/self/limits")));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong hardLimit(String procLimits) {
        Matcher m = MAX_OPEN_FILES.matcher(procLimits);
        if (!m.find() || m.group(2).equals("unlimited")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(m.group(2)));
    }

    /** Null if {@code perProcess} connections fit under the limit, else what to do about it. */
    static String check(int perProcess, OptionalLong hardLimit) {
        if (hardLimit.isEmpty() || perProcess + OVERHEAD <= hardLimit.getAsLong()) {
            return null;
        }
        long fits = Math.max(2, hardLimit.getAsLong() - OVERHEAD);
        return "--per-process " + perProcess + " needs about " + (perProcess + OVERHEAD) + " open files in each gateway "
                + "and client JVM, but this machine allows " + hardLimit.getAsLong() + " per process (ulimit -Hn). "
                + "Pass --per-process " + fits + " (more users are then split over more JVM pairs), "
                + "or raise the limit first (ulimit -n, LimitNOFILE= for a service).";
    }
}
