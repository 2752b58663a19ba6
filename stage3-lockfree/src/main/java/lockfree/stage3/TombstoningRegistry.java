package lockfree.stage3;

import lockfree.stage3.LockFreeSessionManager.Entry;
import org.jctools.maps.NonBlockingHashMapLong;

/**
 * The "before" of stage 3's session registry, kept to be measured beside {@link SessionRegistry}
 * and never used by the gateway: session id -&gt; entry in a JCTools {@link NonBlockingHashMapLong},
 * as the first version of this stage had it ({@link LockFreeSessionManager#naive()}).
 *
 * <p>It is correct, and it is the wrong table for these keys. Session ids are never reused, and
 * the map frees a removed key's slot only when it copies the whole table: each connection uses up
 * a slot for good. At a quarter of the slots used it copies, and its rule is to double the table
 * when the previous copy was less than ten seconds ago, so a steady stream of connections keeps
 * doubling and copying a table that never shrinks. {@code Stage3_04_SessionRegistry} measures the
 * time, {@code ChurnMemory} (benchmarks module) the memory; README "Before and after: the session
 * registry" explains both.
 */
final class TombstoningRegistry implements LockFreeSessionManager.Registry {
    private final NonBlockingHashMapLong<Entry> map = new NonBlockingHashMapLong<>();

    @Override
    public Entry putIfAbsent(Entry entry) {
        return map.putIfAbsent(entry.id, entry);
    }

    @Override
    public Entry get(long id) {
        return map.get(id);
    }

    @Override
    public boolean remove(Entry entry) {
        // remove(key, value) compares with equals, which Entry leaves as identity.
        return map.remove(entry.id, entry);
    }

    @Override
    public int size() {
        return map.size();
    }
}
