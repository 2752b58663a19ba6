package lockfree.stage2.jcstress;

import lockfree.common.contract.Session;
import lockfree.stage2.ShardedSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * A login that races its own connection's close, across two shards: no resurrection.
 *
 * The login frame of session S (user 7) is being handled just as S's connection closes: bind(S)
 * and remove(S) run at once. S's id and user 7 live in different shards. Whatever the order, user 7
 * must not end up bound to S: a closed session reachable by its user id swallows every message
 * sent to that user until they log in again.
 *
 *   OneLockAtATime  (minimal model: two shards, each a StampedLock over a HashMap; bind checks
 *                    "still registered?" under the id shard's lock, releases it, then installs
 *                    under the user shard's lock)                                        BROKEN
 *   RealManager     (ShardedSessionManager.bind: holds both shards' locks across the check
 *                    and the install, lower index first)                                 FIXED
 *
 * OneLockAtATime is what you get by sharding stage 0 naively: every map access is locked, but the
 * check and the act are in different critical sections. The close can run entirely between them:
 * it removes S from its id shard, finds nothing to unbind in the user shard, and then bind
 * installs S. remove() is the same in both (id shard first, then the conditional unbind): the
 * order that makes it safe only works if bind's check and install cannot be split.
 *
 * Result: r1 = who user 7 is bound to at the end (0 = nobody, 1 = S, the closed session).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage2 ci Stage2_02      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage2-sharded/README.md, rendered from the committed raw output
 * stage2-sharded/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage2_02_BindRacesClose {
    static final long USER = 7;
    static final long SESSION = Shards.firstKey(0, s -> s != Shards.of(USER));

    /** One shard of the model: a lock and the one map this test needs from it. */
    static final class Shard {
        final StampedLock lock = new StampedLock();
        final Map<Long, Session> map = new HashMap<>();
    }

    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "Closed session not reachable: close first, or it unbound the bind.")
    @Outcome(id = "1", expect = ACCEPTABLE_INTERESTING,
            desc = "The close ran between bind's check and bind's install: a closed session resurrected.")
    @State
    public static class OneLockAtATime {
        private final Shard idShard = new Shard();     // session id -> session
        private final Shard userShard = new Shard();   // user id -> session
        private final Session s = Session.detached(SESSION, USER);

        public OneLockAtATime() {
            idShard.map.put(s.id(), s);
        }

        @Actor
        public void login() {
            boolean registered;
            long stamp = idShard.lock.readLock();
            try {
                registered = idShard.map.get(s.id()) == s;
            } finally {
                idShard.lock.unlockRead(stamp);
            }
            if (!registered) {
                return;
            }
            // The window: the close can remove S and look for it in userShard right now.
            stamp = userShard.lock.writeLock();
            try {
                userShard.map.put(USER, s);
            } finally {
                userShard.lock.unlockWrite(stamp);
            }
        }

        @Actor
        public void close() {
            long stamp = idShard.lock.writeLock();
            try {
                idShard.map.remove(s.id(), s);
            } finally {
                idShard.lock.unlockWrite(stamp);
            }
            stamp = userShard.lock.writeLock();
            try {
                userShard.map.remove(USER, s);
            } finally {
                userShard.lock.unlockWrite(stamp);
            }
        }

        @Arbiter
        public void bound(I_Result r) {
            r.r1 = userShard.map.get(USER) == s ? 1 : 0;
        }
    }

    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "Closed session not reachable: close first, or it unbound the bind.")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "A closed session resurrected: bound after its close.")
    @State
    public static class RealManager {
        private final ShardedSessionManager manager = new ShardedSessionManager();
        private final Session s = Session.detached(SESSION, USER);

        public RealManager() {
            manager.add(s);
        }

        @Actor
        public void login() {
            manager.bind(s);
        }

        @Actor
        public void close() {
            manager.remove(s);
        }

        @Arbiter
        public void bound(I_Result r) {
            r.r1 = manager.getByUserId(USER) == s ? 1 : 0;
        }
    }
}
