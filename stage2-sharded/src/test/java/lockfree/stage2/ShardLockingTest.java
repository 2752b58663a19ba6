package lockfree.stage2;

import lockfree.common.contract.Session;
import lockfree.common.testkit.Patience;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What the shard locks must get right beyond the SessionManager contract: a bind that needs two
 * shards, a bind that needs one shard twice, and a broadcast whose action calls back into the
 * manager. A mistake in any of these hangs rather than fails, hence the timeouts.
 */
class ShardLockingTest {

    private static final Duration HANG = Patience.seconds(10);

    /**
     * Session id and user id in the same shard: StampedLock is not reentrant, so taking that
     * shard's write lock once for the uid and again (or a read lock) for the session id would
     * hang the login forever.
     */
    @Test
    void bindWhoseSessionAndUserShareAShardCompletes() {
        ShardedSessionManager m = new ShardedSessionManager(32);
        long sessionId = 1;
        long uid = firstKeyInShard(m, m.shardIndex(sessionId), 1000);
        Session s = Session.detached(sessionId, uid);
        m.add(s);

        Session displaced = assertTimeoutPreemptively(HANG, () -> m.bind(s));

        assertNull(displaced);
        assertSame(s, m.getByUserId(uid));
    }

    /**
     * Two threads bind in opposite directions between the same two shards: thread A's sessions
     * live in shard a and its users in shard b, thread B's the other way round. Taking "my id
     * shard, then my uid shard" would let A hold a while waiting for b and B hold b while waiting
     * for a. Lock ordering by shard index makes that impossible.
     */
    @Test
    void bindsCrossingTheSameTwoShardsInOppositeDirectionsDoNotDeadlock() throws Exception {
        ShardedSessionManager m = new ShardedSessionManager(32);
        int a = 3;
        int b = 17;
        int rounds = 5_000;
        List<Session> aToB = sessionsBetween(m, a, b, rounds, 1);
        List<Session> bToA = sessionsBetween(m, b, a, rounds, 1_000_000_000L);
        aToB.forEach(m::add);
        bToA.forEach(m::add);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            Future<?> one = pool.submit(() -> bindAll(m, aToB, start));
            Future<?> two = pool.submit(() -> bindAll(m, bToA, start));
            // A deadlock shows up here as a TimeoutException.
            one.get(HANG.toSeconds(), TimeUnit.SECONDS);
            two.get(HANG.toSeconds(), TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2 * rounds, m.userCount());
        for (Session s : aToB) {
            assertSame(s, m.getByUserId(s.userId()));
        }
    }

    /**
     * The broadcast action runs with no shard lock held: here it closes the session it visits
     * (as the gateway does with a slow consumer), which needs the write locks of the shards
     * being walked. Under a held read lock this would wait for itself forever.
     */
    @Test
    void forEachUserActionMayRemoveTheSessionItVisits() {
        ShardedSessionManager m = new ShardedSessionManager(32);
        for (long i = 1; i <= 200; i++) {
            Session s = Session.detached(i, 10_000 + i);
            m.add(s);
            m.bind(s);
        }
        int[] visited = {0};

        assertTimeoutPreemptively(HANG, () -> m.forEachUser(s -> {
            visited[0]++;
            m.remove(s);
        }));

        assertEquals(200, visited[0]);
        assertEquals(0, m.size());
        assertEquals(0, m.userCount());
    }

    private static void bindAll(ShardedSessionManager m, List<Session> sessions, CyclicBarrier start) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (Session s : sessions) {
            m.bind(s);
        }
    }

    /** {@code n} sessions whose id is in shard {@code idShard} and whose uid is in {@code uidShard}. */
    private static List<Session> sessionsBetween(ShardedSessionManager m, int idShard, int uidShard, int n, long from) {
        assertNotEquals(idShard, uidShard);
        List<Session> out = new ArrayList<>(n);
        long id = from;
        long uid = from;
        while (out.size() < n) {
            id = firstKeyInShard(m, idShard, id + 1);
            uid = firstKeyInShard(m, uidShard, uid + 1);
            out.add(Session.detached(id, uid));
        }
        return out;
    }

    private static long firstKeyInShard(ShardedSessionManager m, int shard, long from) {
        long key = from;
        while (m.shardIndex(key) != shard) {
            key++;
        }
        return key;
    }
}
