package lockfree.bench;

import lockfree.common.contract.Session;
import org.jctools.maps.NonBlockingHashMap;

import java.util.function.Consumer;

/**
 * The cross-stage run's {@code stage3-boxed}: stage 3's kind of map (JCTools' lock-free Cliff
 * Click table) with stages 0-2's kind of key (a boxed {@code Long}). It exists to split the two
 * changes stage 3 makes at once: from a locked map to a lock-free one, and from {@code Long} keys
 * to {@code long} keys.
 * <ul>
 *   <li>stage 1 against this: the same boxed keys, a {@code ConcurrentHashMap} (reads lock-free,
 *       writes lock a bin) against a table whose every write is a CAS: the locking alone;</li>
 *   <li>this against stage 3, on reads: a lookup in a lock-free hash table either way, a
 *       {@code Long} against a {@code long}: mostly the boxing (a lookup here allocates a
 *       {@code Long} unless the JIT removes it, and compares keys by following a reference and
 *       calling {@code equals}); stage 3's chapter says what else its read path does.</li>
 * </ul>
 * Its writes follow stage 1's steps ({@link TwoMapSessionManager}: each a single atomic call on one
 * map, ordered so that the states in between are harmless), not stage 3's per-session state
 * machine, so on writes it compares with stage 1, not with stage 3. It is measured, not shipped: it
 * lives in the benchmarks module, and {@code BoxedLockFreeSessionManagerTest} holds it to the
 * contract every stage keeps.
 */
public final class BoxedLockFreeSessionManager extends TwoMapSessionManager {

    public BoxedLockFreeSessionManager() {
        super(new Boxed(), new Boxed(), true);
    }

    /** One JCTools table keyed by {@code Long}: every lookup boxes its key, as stages 0-2 do. */
    private static final class Boxed implements SessionMap {
        private final NonBlockingHashMap<Long, Session> map = new NonBlockingHashMap<>();

        @Override
        public Session get(long key) {
            return map.get(key);
        }

        @Override
        public Session putIfAbsent(long key, Session session) {
            return map.putIfAbsent(key, session);
        }

        @Override
        public Session put(long key, Session session) {
            return map.put(key, session); // one CAS on the key's slot that hands back the old value
        }

        @Override
        public boolean remove(long key, Session session) {
            return map.remove(key, session); // Session keeps Object's equals: by identity
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public void forEachValue(Consumer<Session> action) {
            map.values().forEach(action);
        }
    }
}
