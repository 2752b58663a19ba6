package lockfree.bench;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
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
 * Its writes follow stage 1's steps (each a single atomic call on one map, ordered so that the
 * states in between are harmless), not stage 3's per-session state machine, so on writes it
 * compares with stage 1, not with stage 3. It is measured, not shipped: it lives in the benchmarks
 * module, and {@code BoxedLockFreeSessionManagerTest} holds it to the contract every stage keeps.
 */
public final class BoxedLockFreeSessionManager implements SessionManager {

    private final NonBlockingHashMap<Long, Session> sessions = new NonBlockingHashMap<>();
    private final NonBlockingHashMap<Long, Session> users = new NonBlockingHashMap<>();

    @Override
    public void add(Session session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException(session + " is already registered");
        }
    }

    @Override
    public Session bind(Session session) {
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalStateException(session + " has no user id: call assignUser first");
        }
        Long key = uid;
        for (;;) {
            if (sessions.get(session.id()) != session) {
                return null; // already removed: never resurrect it
            }
            // Read the current holder, then CAS it out: the displaced session comes out of the
            // same atomic step that installs ours, so two logins of one user each displace a
            // different session and exactly one of them ends bound (a put would let both see
            // "nobody" or the same old session).
            Session current = users.get(key);
            if (current == session) {
                return null;
            }
            boolean swapped = current == null
                    ? users.putIfAbsent(key, session) == null
                    : users.replace(key, current, session);
            if (!swapped) {
                continue; // another login or a close got in between: read again
            }
            // Our own close may have run between the check above and the swap; its conditional
            // remove then looked at the user map before we were in it. remove() takes the session
            // out of `sessions` first, so looking again here catches it: undo our binding. The
            // session we displaced stays kicked (the window SessionManager allows stage 3 too).
            if (sessions.get(session.id()) != session) {
                users.remove(key, session);
            }
            return current;
        }
    }

    @Override
    public boolean remove(Session session) {
        // Registry first, then the conditional unbind: see bind's last step for why this order.
        if (!sessions.remove(session.id(), session)) {
            return false;
        }
        long uid = session.userId();
        if (uid != 0) {
            users.remove(uid, session);
        }
        return true;
    }

    @Override
    public Session get(long sessionId) {
        return sessions.get(sessionId);
    }

    @Override
    public Session getByUserId(long userId) {
        return users.get(userId);
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public int userCount() {
        return users.size();
    }

    @Override
    public void forEachUser(Consumer<Session> action) {
        users.values().forEach(action); // weakly consistent, like every lock-free stage's walk
    }
}
