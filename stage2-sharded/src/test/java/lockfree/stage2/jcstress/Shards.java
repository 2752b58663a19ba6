package lockfree.stage2.jcstress;

import lockfree.stage2.ShardedSessionManager;

import java.lang.reflect.Method;

/**
 * Picks ids by the shard they land in, so that a test can say "this bind spans two shards" and
 * mean it. The shard function is package-private in {@link ShardedSessionManager} (the unit tests
 * in {@code lockfree.stage2} call it directly); these tests live in their own package, so they
 * reach it by reflection, once, when a test class is loaded.
 */
final class Shards {
    private static final ShardedSessionManager PROBE = new ShardedSessionManager(ShardedSessionManager.DEFAULT_SHARDS);
    private static final Method SHARD_INDEX;

    static {
        try {
            SHARD_INDEX = ShardedSessionManager.class.getDeclaredMethod("shardIndex", long.class);
            SHARD_INDEX.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Shards() {
    }

    /** The shard of {@code key} in a manager with {@link ShardedSessionManager#DEFAULT_SHARDS} shards. */
    static int of(long key) {
        try {
            return (int) SHARD_INDEX.invoke(PROBE, key);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The smallest key above {@code after} whose shard satisfies the test. */
    static long firstKey(long after, java.util.function.IntPredicate shard) {
        for (long k = after + 1; k < after + 100_000; k++) {
            if (shard.test(of(k))) {
                return k;
            }
        }
        throw new IllegalStateException("no key after " + after + " in a matching shard");
    }
}
