package lockfree.common.stress;

import lockfree.common.routing.RedisRouter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Redis itself holds for a run: {@code used_memory} from {@code INFO memory}. */
final class RedisMemory {
    private static final Pattern USED = Pattern.compile("(?m)^used_memory:(\\d+)\\s*$");

    private RedisMemory() {
    }

    /** Bytes Redis has allocated (its data, every client's buffers and subscriptions); -1 if unreadable. */
    static long usedBytes(URI redis) {
        RedisRouter.preferEpollQuietly();
        RedisClient client = RedisClient.create(redis.toString());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return usedBytes(c.sync().info("memory"));
        } catch (RuntimeException e) {
            return -1;
        } finally {
            client.shutdown();
        }
    }

    static long usedBytes(String info) {
        Matcher m = USED.matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
