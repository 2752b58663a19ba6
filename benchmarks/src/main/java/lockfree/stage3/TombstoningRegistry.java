package lockfree.stage3;

import lockfree.common.contract.SessionManager;
import lockfree.stage3.LockFreeSessionManager.Entry;
import org.jctools.maps.NonBlockingHashMapLong;

/**
 * Stage 3's manager with the wrong session registry, to be measured beside {@link SessionRegistry}
 * and never used by the gateway: session id -&gt; entry in a JCTools {@link NonBlockingHashMapLong},
 * the table stage 3 uses for its user map. {@link #manager()} is the "naive" column of
 * {@code Stage3_04_SessionRegistry} and {@code ChurnMemory}.
 *
 * <p>It is correct, and it is the wrong table for these keys. Session ids are never reused, and
 * the map frees a removed key's slot only when it copies the whole table: each connection uses up
 * a slot for good. At a quarter of the slots used it copies, and its rule is to double the table
 * when the previous copy was less than ten seconds ago, so a steady stream of connections keeps
 * doubling and copying a table that never shrinks. {@code Stage3_04_SessionRegistry} measures the
 * time, {@code ChurnMemory} the memory.
 *
 * <p>It lives in stage 3's package, though in the benchmarks module, because the manager takes
 * another registry only through a package-private constructor: the stage's public API offers none.
 */
public final class TombstoningRegistry implements LockFreeSessionManager.Registry {
    private final NonBlockingHashMapLong<Entry> map = new NonBlockingHashMapLong<>();

    /** Stage 3's lifecycle and user map over this registry. */
    public static SessionManager manager() {
        return new LockFreeSessionManager(new TombstoningRegistry(), () -> { });
    }

    private TombstoningRegistry() {
    }

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
