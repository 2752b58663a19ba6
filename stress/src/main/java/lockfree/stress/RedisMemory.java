package lockfree.stress;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Redis itself holds for a run: {@code used_memory} from {@code INFO memory}, summed over the masters of a cluster. */
final class RedisMemory {
    private static final Pattern USED = Pattern.compile("(?m)^used_memory:(\\d+)\\s*$");

    private RedisMemory() {
    }

    /** Bytes Redis has allocated (its data, every client's buffers and subscriptions); -1 if unreadable. */
    static long usedBytes(URI redis) {
        return ShardUsage.usedMemory(ShardUsage.sample(redis));
    }

    static long usedBytes(String info) {
        Matcher m = USED.matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
