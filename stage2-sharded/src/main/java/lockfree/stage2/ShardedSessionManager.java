package lockfree.stage2;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

/**
 * Stage 2: the plan's 32-way sharded map. Stage 0's one lock over two maps becomes N shards, each
 * with its own two small maps and its own lock. A session id is stored in the shard its id hashes
 * to, a user id in the shard its uid hashes to; the two are usually different shards.
 *
 * <p>The lock of each shard is a {@link StampedLock}, read optimistically on the hot path
 * ({@link #get}, {@link #getByUserId}): an optimistic read writes nothing to shared memory, so
 * readers on different cores do not fight over the lock's cache line the way
 * {@code ReentrantReadWriteLock} readers do (each of those CASes the lock word). The choice was
 * measured, see {@code Stage2_01_ShardLock} and the README.
 *
 * <p>Keys are boxed {@code Long}s in plain {@link HashMap}s, as in stages 0 and 1, so that the
 * comparison of those three stages measures locking rather than boxing.
 */
public final class ShardedSessionManager implements SessionManager {

    /** The plan's shard count. */
    public static final int DEFAULT_SHARDS = 32;

    /** Enough for any gateway; a bound keeps a typo in -Dstage2.shards from exhausting the heap. */
    public static final int MAX_SHARDS = 1 << 16;

    /**
     * 2^64 divided by the golden ratio, rounded to odd: multiplying by it is Fibonacci hashing.
     * The product's high bits depend on every bit of the key, and consecutive keys land far apart.
     */
    private static final long SPREAD = 0x9E3779B97F4A7C15L;

    private final Shard[] shards;
    private final int shift;
    private final int mask;

    public ShardedSessionManager() {
        this(DEFAULT_SHARDS);
    }

    /** @param shardCount a power of two between 1 and {@link #MAX_SHARDS} */
    public ShardedSessionManager(int shardCount) {
        requireValidShardCount(shardCount);
        shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) {
            shards[i] = new Shard(i);
        }
        mask = shardCount - 1;
        shift = 64 - Integer.numberOfTrailingZeros(shardCount);
    }

    /**
     * Checks a shard count, for the constructor and for the main's -Dstage2.shards. A power of
     * two lets {@link #shardIndex} take whole bits of the hash; any other count would need a
     * modulo, which is slower and, taken from the low bits, unevenly spread.
     */
    public static int requireValidShardCount(int shardCount) {
        if (shardCount < 1 || shardCount > MAX_SHARDS || Integer.bitCount(shardCount) != 1) {
            throw new IllegalArgumentException(
                    "shard count must be a power of two between 1 and " + MAX_SHARDS + ", got " + shardCount);
        }
        return shardCount;
    }

    public int shardCount() {
        return shards.length;
    }

    /**
     * The shard a session id or user id lives in: the top bits of the key times {@link #SPREAD}.
     *
     * <p>Why not simply {@code key & mask}? Two reasons, both seen on this machine:
     * <ul>
     *   <li>Each shard's HashMap picks a bucket from the key's low bits. If the shard were the low
     *       5 bits, every key in shard 3 would end in 00011, and the shard's HashMap would use one
     *       bucket in 32 (HashMap's own spreading, {@code h ^ h >>> 16}, adds nothing for keys
     *       below 65536). The high bits of the product are independent of the low bits the
     *       HashMap uses.</li>
     *   <li>Ids with a stride (every 32nd id, ids that carry a node number in their low bits)
     *       would all land in one shard and serialise on its lock. The low bits of a product
     *       depend only on the low bits of the key; the high bits depend on all of them.</li>
     * </ul>
     * The {@code & mask} only matters for one shard, where the shift is 64 and Java shifts by 0.
     */
    int shardIndex(long key) {
        return (int) (key * SPREAD >>> shift) & mask;
    }

    private Shard shardOf(long key) {
        return shards[shardIndex(key)];
    }

    @Override
    public void add(Session session) {
        Shard shard = shardOf(session.id());
        long stamp = shard.lock.writeLock();
        try {
            shard.sessions.put(session.id(), session);
        } finally {
            shard.lock.unlockWrite(stamp);
        }
    }

    /**
     * Checks that the session is still registered (its id shard) and installs it for its user
     * (its uid shard) while holding both shards' locks, so that a concurrent remove cannot slip
     * between the check and the install.
     *
     * <p>Holding two locks at once can deadlock: bind A holds shard 3 and waits for shard 9 while
     * bind B holds shard 9 and waits for shard 3. It cannot happen here because every thread that
     * holds two shard locks takes them in the same global order, lower shard index first, and no
     * other method ever holds two at once (remove takes its two one after the other).
     */
    @Override
    public Session bind(Session session) {
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalArgumentException("uid must be positive: " + uid);
        }
        Shard idShard = shardOf(session.id());
        Shard userShard = shardOf(uid);
        if (idShard == userShard) {
            // StampedLock is not reentrant: one write lock covers both maps of this shard.
            long stamp = userShard.lock.writeLock();
            try {
                return bindLocked(idShard, userShard, session, uid);
            } finally {
                userShard.lock.unlockWrite(stamp);
            }
        }
        // The id shard is only read (is the session still registered?), so a read lock on it
        // leaves concurrent get()s in that shard running; the uid shard is written.
        long idStamp;
        long userStamp;
        if (idShard.index < userShard.index) {
            idStamp = idShard.lock.readLock();
            userStamp = userShard.lock.writeLock();
        } else {
            userStamp = userShard.lock.writeLock();
            idStamp = idShard.lock.readLock();
        }
        try {
            return bindLocked(idShard, userShard, session, uid);
        } finally {
            userShard.lock.unlockWrite(userStamp);
            idShard.lock.unlockRead(idStamp);
        }
    }

    private static Session bindLocked(Shard idShard, Shard userShard, Session session, long uid) {
        if (idShard.sessions.get(session.id()) != session) {
            return null;   // already removed: binding it now would resurrect a closed session
        }
        // put() returns the previous mapping: the displaced session comes out of the same locked
        // step that installs the new one, so two logins of one user kick exactly one session.
        Session displaced = userShard.users.put(uid, session);
        return displaced == session ? null : displaced;
    }

    /**
     * Two steps, each under one shard's write lock, never both at once. The order matters: the
     * session leaves its id shard first. A bind of this session either ran before that (and then
     * step 2 below sees it in the users map and unbinds it) or after it (and then bind's check
     * finds the session gone and binds nothing). Either way no closed session stays reachable.
     */
    @Override
    public boolean remove(Session session) {
        Shard idShard = shardOf(session.id());
        long stamp = idShard.lock.writeLock();
        try {
            if (!idShard.sessions.remove(session.id(), session)) {
                return false;
            }
        } finally {
            idShard.lock.unlockWrite(stamp);
        }
        long uid = session.userId();
        if (uid != 0) {
            Shard userShard = shardOf(uid);
            stamp = userShard.lock.writeLock();
            try {
                // Conditional: a user who already logged in again elsewhere keeps the new session.
                userShard.users.remove(uid, session);
            } finally {
                userShard.lock.unlockWrite(stamp);
            }
        }
        return true;
    }

    @Override
    public Session get(long sessionId) {
        Shard shard = shardOf(sessionId);
        return optimisticGet(shard.lock, shard.sessions, sessionId);
    }

    @Override
    public Session getByUserId(long userId) {
        Shard shard = shardOf(userId);
        return optimisticGet(shard.lock, shard.users, userId);
    }

    /**
     * The hot read path: look the key up without taking the lock, then check that no writer took
     * the lock meanwhile; if one did, look it up again under the read lock.
     *
     * <p>The unlocked lookup runs while a writer may be changing the HashMap under it. Its answer
     * is then garbage and {@code validate} rejects it, but it can also fail before it returns:
     * a resize swaps the table and relinks nodes, a treeify turns nodes into tree nodes, and the
     * reader can run into a null it did not expect, an index past a shorter array, or a node of
     * the wrong class. Those exceptions are a symptom of the same race that {@code validate}
     * detects, so they are caught and handled the same way: retry under the read lock, where no
     * writer can run. A linked bin cannot send the reader round in a cycle: resize and remove
     * only ever point a node at nodes that came after it. A tree bin (eight or more keys in one
     * bucket, which well-spread keys make vanishingly rare) is rebalanced by rotations, and the
     * memory model alone does not forbid a racing reader from seeing a half-done rotation as a
     * loop; the README discusses this limit of optimistic reads over a structure not built
     * for them.
     *
     * <p>{@code validate} also includes the fence that keeps the lookup's plain loads from being
     * reordered after it, so a validated answer was read entirely before any write began.
     */
    static <V> V optimisticGet(StampedLock lock, Map<Long, V> map, long key) {
        long stamp = lock.tryOptimisticRead();   // 0 if a writer holds the lock right now
        if (stamp != 0) {
            try {
                V value = map.get(key);
                if (lock.validate(stamp)) {
                    return value;
                }
            } catch (RuntimeException racedWithWriter) {
                // fall through to the locked read
            }
        }
        stamp = lock.readLock();
        try {
            return map.get(key);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public int size() {
        int n = 0;
        for (Shard shard : shards) {
            long stamp = shard.lock.readLock();
            try {
                n += shard.sessions.size();
            } finally {
                shard.lock.unlockRead(stamp);
            }
        }
        return n;
    }

    @Override
    public int userCount() {
        int n = 0;
        for (Shard shard : shards) {
            long stamp = shard.lock.readLock();
            try {
                n += shard.users.size();
            } finally {
                shard.lock.unlockRead(stamp);
            }
        }
        return n;
    }

    /**
     * Walks the shards one at a time: copy the shard's sessions under its read lock, release it,
     * then call {@code action} on the copy. The action runs without any lock held, so it may be
     * slow (it offers to a send queue) or call back into this manager (a slow consumer being
     * closed calls remove) without blocking logins or deadlocking on a non-reentrant lock.
     *
     * <p>This makes the walk weakly consistent, shard by shard: a user who logs in while a
     * broadcast is under way receives it if their uid's shard is copied after the bind, and not
     * if it was copied before. No user is visited twice (each uid lives in exactly one shard,
     * copied once), and no user bound for the whole walk is missed.
     */
    @Override
    public void forEachUser(Consumer<Session> action) {
        for (Shard shard : shards) {
            Session[] snapshot;
            long stamp = shard.lock.readLock();
            try {
                snapshot = shard.users.values().toArray(new Session[0]);
            } finally {
                shard.lock.unlockRead(stamp);
            }
            for (Session session : snapshot) {
                action.accept(session);
            }
        }
    }

    /** One shard: its two maps and the lock that guards both. */
    private static final class Shard {
        final int index;
        final StampedLock lock = new StampedLock();
        final HashMap<Long, Session> sessions = new HashMap<>();
        final HashMap<Long, Session> users = new HashMap<>();

        Shard(int index) {
            this.index = index;
        }
    }
}
