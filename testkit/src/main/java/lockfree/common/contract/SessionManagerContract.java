package lockfree.common.contract;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import lockfree.common.testkit.Concurrently;
import lockfree.common.testkit.Patience;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rules every stage's {@link SessionManager} keeps, as tests. A stage runs them by extending
 * this class and saying how to build its manager:
 *
 * <pre>{@code
 * class RwLockSessionManagerTest extends SessionManagerContract {
 *     protected SessionManager newManager() { return new RwLockSessionManager(); }
 * }
 * }</pre>
 *
 * <p>The first half checks each operation alone. The second half runs a few threads against one
 * manager and checks what must hold however they interleave: nothing lost, one winner per re-login,
 * the conditional remove, no resurrection. Those tests can only catch a race that actually happens
 * while they run, so a pass is evidence, not proof; the jcstress tests of each stage explore the
 * same races exhaustively.
 */
public abstract class SessionManagerContract {
    private static final int THREADS = 4;
    private static final long DEADLINE_NANOS = Patience.seconds(60).toNanos();

    /* Session ids are only compared, so a per-test counter keeps failure messages readable. */
    private final AtomicLong ids = new AtomicLong();

    protected SessionManager manager;

    /** A new, empty manager of the stage under test. */
    protected abstract SessionManager newManager();

    @BeforeEach
    final void createManager() {
        manager = newManager();
    }

    private Session session(long uid) {
        return Session.detached(ids.incrementAndGet(), uid);
    }

    private Session addedSession(long uid) {
        Session s = session(uid);
        manager.add(s);
        return s;
    }

    // =========================================================================================
    // One operation at a time
    // =========================================================================================

    @Test
    void addedSessionsCanBeFoundByIdButAreNotBoundToAUser() {
        Session a = addedSession(7);
        Session b = addedSession(8);

        assertSame(a, manager.get(a.id()));
        assertSame(b, manager.get(b.id()));
        assertNull(manager.get(b.id() + 1000), "unknown session id");
        assertEquals(2, manager.size());
        assertEquals(0, manager.userCount(), "add() registers the connection; only bind() binds the user");
        assertNull(manager.getByUserId(7));
    }

    @Test
    void firstBindOfAUserDisplacesNobody() {
        Session a = addedSession(7);

        assertNull(manager.bind(a), "nobody was bound to user 7 before");
        assertSame(a, manager.getByUserId(7));
        assertEquals(1, manager.userCount());
        assertNull(manager.getByUserId(8), "other users stay unbound");
    }

    @Test
    void reloginReturnsTheDisplacedSessionToKick() {
        Session first = addedSession(7);
        manager.bind(first);
        Session second = addedSession(7);

        assertSame(first, manager.bind(second), "the second login must hand back the first session to kick");
        assertSame(second, manager.getByUserId(7));
        assertEquals(1, manager.userCount(), "one user, however many logins");
        assertEquals(2, manager.size(), "the kicked connection stays registered until its close arrives");
        assertSame(first, manager.get(first.id()));
    }

    /**
     * The same session bound twice (a login frame repeated on one connection, or a retry): the
     * second bind changes nothing and hands back nobody. A session never displaces itself, so it
     * is never kicked by its own login; and a kick of nobody is not a kick of "the previous
     * session", which a bind that returned the current binding would report.
     */
    @Test
    void bindingTheSameSessionTwiceChangesNothingAndDisplacesNobody() {
        Session a = addedSession(7);
        assertNull(manager.bind(a));

        assertNull(manager.bind(a), "a session already bound to its user displaces nobody, not itself");
        assertSame(a, manager.getByUserId(7));
        assertEquals(1, manager.userCount());
        assertEquals(1, manager.size());

        Session b = addedSession(7);
        assertSame(a, manager.bind(b), "a's repeated bind left a bound: the next login kicks it");
        assertSame(b, manager.getByUserId(7));
    }

    @Test
    void usersAreBoundIndependently() {
        Session a = addedSession(7);
        Session b = addedSession(8);
        manager.bind(a);

        assertNull(manager.bind(b), "binding user 8 displaces nobody, user 7 is someone else");
        assertSame(a, manager.getByUserId(7));
        assertSame(b, manager.getByUserId(8));
        assertEquals(2, manager.userCount());
    }

    @Test
    void removeReturnsTrueOnceThenFalse() {
        Session a = addedSession(7);
        manager.bind(a);

        assertTrue(manager.remove(a));
        assertFalse(manager.remove(a), "a second remove of the same session finds nothing");
        assertNull(manager.get(a.id()));
        assertNull(manager.getByUserId(7));
        assertEquals(0, manager.size());
        assertEquals(0, manager.userCount());
    }

    @Test
    void removeOfANeverAddedSessionReturnsFalseAndChangesNothing() {
        Session kept = addedSession(7);
        manager.bind(kept);

        assertFalse(manager.remove(session(7)), "never added");
        assertSame(kept, manager.getByUserId(7), "a stranger with the same user id must not unbind the user");
        assertEquals(1, manager.size());
        assertEquals(1, manager.userCount());
    }

    @Test
    void removingTheOldSessionOfAReloggedInUserKeepsTheNewOneBound() {
        Session old = addedSession(7);
        manager.bind(old);
        Session current = addedSession(7);
        manager.bind(current);

        // The old connection's close arrives after the new login: it must not unbind user 7.
        assertTrue(manager.remove(old));
        assertSame(current, manager.getByUserId(7), "conditional remove: user 7 is bound to the new session");
        assertEquals(1, manager.userCount());
        assertEquals(1, manager.size());
        assertNull(manager.get(old.id()));
    }

    @Test
    void bindAfterRemoveDoesNotResurrectTheSession() {
        Session closed = addedSession(7);
        manager.remove(closed);

        assertNull(manager.bind(closed), "a removed session binds nothing, so it displaces nobody");
        assertNull(manager.getByUserId(7), "the closed session must not become reachable");
        assertEquals(0, manager.userCount());
        assertEquals(0, manager.size());
    }

    @Test
    void bindAfterRemoveDoesNotDisplaceTheLiveSession() {
        Session live = addedSession(7);
        manager.bind(live);
        Session closed = addedSession(7);
        manager.remove(closed);

        assertNull(manager.bind(closed), "a removed session must not kick anyone");
        assertSame(live, manager.getByUserId(7));
        assertEquals(1, manager.userCount());
    }

    /**
     * A session that has not logged in has user id 0, and no user has it (docs/PROTOCOL.md: a uid
     * is a positive int64). Binding it is the caller's mistake: every stage rejects it the same
     * way, with the same message, and changes nothing.
     */
    @Test
    void bindingASessionWithoutAUserIdIsRejected() {
        Session anonymous = addedSession(0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> manager.bind(anonymous));
        assertEquals("uid must be positive: 0", e.getMessage());
        assertEquals(0, manager.userCount());
        assertSame(anonymous, manager.get(anonymous.id()), "still registered, still not logged in");
    }

    @Test
    void bindOfANeverAddedSessionBindsNothing() {
        Session stranger = session(7);

        assertNull(manager.bind(stranger));
        assertNull(manager.getByUserId(7));
        assertEquals(0, manager.userCount());
        assertEquals(0, manager.size());
    }

    @Test
    void forEachUserVisitsEachBoundUserOnce() {
        Session a = addedSession(1);
        Session kicked = addedSession(2);
        Session b = addedSession(3);
        addedSession(4); // connected, never logged in
        Session gone = addedSession(5);
        manager.bind(a);
        manager.bind(kicked);
        manager.bind(b);
        manager.bind(gone);
        Session relogin = addedSession(2);
        manager.bind(relogin);
        manager.remove(gone);

        List<Session> visited = new ArrayList<>();
        manager.forEachUser(visited::add);

        Map<Session, Integer> times = new IdentityHashMap<>();
        visited.forEach(s -> times.merge(s, 1, Integer::sum));
        Map<Session, Integer> expected = new IdentityHashMap<>();
        for (Session s : List.of(a, relogin, b)) {
            expected.put(s, 1);
        }
        assertEquals(expected, times, "exactly the bound sessions of users 1, 2 and 3, once each; visited " + visited);
    }

    @Test
    void forEachUserOnAnEmptyManagerVisitsNothing() {
        addedSession(1);
        AtomicInteger calls = new AtomicInteger();
        manager.forEachUser(s -> calls.incrementAndGet());
        assertEquals(0, calls.get());
    }

    // =========================================================================================
    // Several threads at once
    // =========================================================================================

    /**
     * Each thread owns its users and runs the whole life of each one: connect, log in, log in again
     * elsewhere, close the old connection, and for half of them close the new one too. Threads never
     * touch the same user, so the final state is known exactly; any difference is an update that one
     * thread's write destroyed in another's (a lost update in a shared structure).
     */
    @Test
    void concurrentLifecyclesOfDistinctUsersLoseNothing() throws Exception {
        int usersPerThread = 500;
        Session[][] survivors = new Session[THREADS][usersPerThread];

        runConcurrently(THREADS, t -> {
            for (int i = 0; i < usersPerThread; i++) {
                long uid = 1 + (long) t * usersPerThread + i;
                Session first = addedSession(uid);
                assertNull(manager.bind(first), "user " + uid + " has no other session");
                Session second = addedSession(uid);
                assertSame(first, manager.bind(second), "user " + uid + " re-login");
                assertTrue(manager.remove(first));
                if (i % 2 == 0) {
                    assertTrue(manager.remove(second));
                } else {
                    survivors[t][i] = second;
                }
            }
        });

        int expected = THREADS * usersPerThread / 2;
        assertEquals(expected, manager.size());
        assertEquals(expected, manager.userCount());
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < usersPerThread; i++) {
                long uid = 1 + (long) t * usersPerThread + i;
                Session s = survivors[t][i];
                assertSame(s, manager.getByUserId(uid), "user " + uid);
                if (s != null) {
                    assertSame(s, manager.get(s.id()));
                }
            }
        }
        Set<Long> visited = new HashSet<>();
        manager.forEachUser(s -> assertTrue(visited.add(s.userId()), "visited twice: " + s));
        assertEquals(expected, visited.size());
    }

    /**
     * The plan's kick rule under contention: {@value #THREADS} connections of one user log in at
     * the same instant. However the binds are ordered, each one displaces the one before it, so
     * exactly one bind returns null, every session but the last is handed back exactly once (to be
     * kicked), and the last one, the winner, is never handed back and stays bound. A bind that read
     * the old value and wrote the new one in two steps would hand the same loser to two callers and
     * leave another loser unkicked: two live sessions for one user.
     */
    @Test
    void concurrentReloginsOfOneUserHaveOneWinnerAndKickEveryoneElseOnce() throws Exception {
        int rounds = 1_500;
        Session[][] sessions = new Session[rounds][THREADS];
        Session[][] displaced = new Session[rounds][THREADS];
        for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < THREADS; t++) {
                sessions[r][t] = addedSession(r + 1);
            }
        }
        SpinGate gate = new SpinGate(THREADS);

        runConcurrently(THREADS, t -> {
            for (int r = 0; r < rounds; r++) {
                gate.await(r);
                displaced[r][t] = manager.bind(sessions[r][t]);
            }
        });

        for (int r = 0; r < rounds; r++) {
            long uid = r + 1;
            Session winner = manager.getByUserId(uid);
            List<Session> contenders = List.of(sessions[r]);
            assertTrue(contenders.stream().anyMatch(s -> s == winner), "user " + uid + " is bound to one of its sessions");

            Map<Session, Integer> kicked = new IdentityHashMap<>();
            int nulls = 0;
            for (Session d : displaced[r]) {
                if (d == null) {
                    nulls++;
                } else {
                    kicked.merge(d, 1, Integer::sum);
                }
            }
            Map<Session, Integer> expected = new IdentityHashMap<>();
            contenders.stream().filter(s -> s != winner).forEach(s -> expected.put(s, 1));
            assertEquals(1, nulls, "user " + uid + ": exactly one bind came first and displaced nobody");
            assertEquals(expected, kicked, "user " + uid + ": every loser kicked exactly once, the winner " + winner + " never");
        }
        assertEquals(rounds, manager.userCount());
        assertEquals(rounds * THREADS, manager.size());
    }

    /**
     * Readers on the broadcast path run while writers log users in, log them in again and close
     * connections. Whatever a reader gets back must be a session of the user it asked for (or null):
     * a session of another user would deliver one user's messages to someone else. A HashMap read
     * racing an unguarded resize can do exactly that, or loop, or throw.
     */
    @Test
    void readersDuringWritesOnlyEverSeeTheRequestedUser() throws Exception {
        int userSpan = 64;
        int writesPerWriter = 3_000;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writersLeft = new AtomicInteger(2);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();

        runConcurrently(THREADS, t -> {
            if (t < 2) {
                try {
                    // Writer t churns its own half of the users, so the user map keeps growing,
                    // shrinking and re-pointing entries while the readers read.
                    Session[] current = new Session[userSpan];
                    for (int i = 0; i < writesPerWriter; i++) {
                        int k = i % userSpan;
                        long uid = 1 + t * userSpan + k;
                        Session next = addedSession(uid);
                        manager.bind(next);
                        if (current[k] != null) {
                            manager.remove(current[k]);
                        }
                        if (i % 3 == 0) {
                            manager.remove(next);
                            current[k] = null;
                        } else {
                            current[k] = next;
                        }
                    }
                } finally {
                    if (writersLeft.decrementAndGet() == 0) {
                        writing.set(false);
                    }
                }
            } else {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                do {
                    long uid = 1 + random.nextInt(2 * userSpan + 8); // a few never-bound ids too
                    Session s = manager.getByUserId(uid);
                    if (s != null && s.userId() != uid) {
                        wrong.add("getByUserId(" + uid + ") returned " + s);
                    }
                    long id = 1 + random.nextLong(ids.get() + 1);
                    Session byId = manager.get(id);
                    if (byId != null && byId.id() != id) {
                        wrong.add("get(" + id + ") returned " + byId);
                    }
                } while (writing.get());
            }
        });

        assertTrue(wrong.isEmpty(), () -> wrong.size() + " wrong answers, e.g. " + wrong.peek());
    }

    /**
     * The race the conditional remove exists for. User u is bound to an old session; a new session
     * of u logs in while the old connection closes, at the same instant. Whichever goes first, the
     * new session must end up bound: if remove() goes first it unbinds the old session and bind()
     * binds the new one; if bind() goes first, remove() must see that u now belongs to someone else.
     * An unconditional remove, or a check-then-remove in two steps, loses u in some rounds.
     */
    @Test
    void oldSessionsRemoveRacingTheNewSessionsBindNeverUnbindsTheUser() throws Exception {
        int rounds = 2_000;
        Session[] olds = new Session[rounds];
        Session[] news = new Session[rounds];
        Session[] displaced = new Session[rounds];
        for (int r = 0; r < rounds; r++) {
            olds[r] = addedSession(r + 1);
            manager.bind(olds[r]);
            news[r] = addedSession(r + 1);
        }
        SpinGate gate = new SpinGate(2);

        runConcurrently(2, t -> {
            for (int r = 0; r < rounds; r++) {
                gate.await(r);
                if (t == 0) {
                    assertTrue(manager.remove(olds[r]));
                } else {
                    displaced[r] = manager.bind(news[r]);
                }
            }
        });

        for (int r = 0; r < rounds; r++) {
            assertSame(news[r], manager.getByUserId(r + 1), "round " + r + ": the new session must stay bound");
            Session d = displaced[r];
            assertTrue(d == null || d == olds[r], "round " + r + ": bind displaced " + d + ", expected the old session or nobody");
        }
        assertEquals(rounds, manager.userCount());
        assertEquals(rounds, manager.size());
    }

    /**
     * No resurrection under a race: a session's own close and its login are processed at the same
     * instant (the login frame was read just before the connection dropped). Either order is fine,
     * but the closed session must not end up reachable by its user id, or every later message to
     * that user goes into a dead connection. A bind that checks "still registered?" and then binds
     * in a separate step can lose this race.
     */
    @Test
    void bindRacingItsOwnRemoveNeverLeavesTheSessionBound() throws Exception {
        int rounds = 2_000;
        Session[] sessions = new Session[rounds];
        for (int r = 0; r < rounds; r++) {
            sessions[r] = addedSession(r + 1);
        }
        SpinGate gate = new SpinGate(2);

        runConcurrently(2, t -> {
            for (int r = 0; r < rounds; r++) {
                gate.await(r);
                if (t == 0) {
                    assertTrue(manager.remove(sessions[r]));
                } else {
                    manager.bind(sessions[r]);
                }
            }
        });

        for (int r = 0; r < rounds; r++) {
            assertNull(manager.getByUserId(r + 1), "round " + r + ": the removed session " + sessions[r] + " is reachable");
        }
        assertEquals(0, manager.userCount());
        assertEquals(0, manager.size());
    }

    /**
     * The broadcast walk while users come and go. Users bound for the whole walk must all be
     * visited; users churning during it may or may not be; nobody may be visited twice.
     */
    @Test
    void forEachUserDuringChurnVisitsStableUsersOnceAndNobodyTwice() throws Exception {
        int stable = 200;
        int churning = 64;
        for (int i = 1; i <= stable; i++) {
            manager.bind(addedSession(i));
        }
        AtomicBoolean walking = new AtomicBoolean(true);

        runConcurrently(2, t -> {
            if (t == 0) {
                Session[] current = new Session[churning];
                int i = 0;
                do {
                    int k = i++ % churning;
                    Session next = addedSession(10_000 + k);
                    manager.bind(next);
                    if (current[k] != null) {
                        manager.remove(current[k]);
                    }
                    current[k] = next;
                } while (walking.get() || i < churning); // every churning user bound at the end
            } else {
                try {
                    for (int walk = 0; walk < 50; walk++) {
                        Map<Long, Integer> times = new HashMap<>();
                        manager.forEachUser(s -> times.merge(s.userId(), 1, Integer::sum));
                        times.forEach((uid, n) -> assertEquals(1, n, "user " + uid + " visited " + n + " times"));
                        for (long uid = 1; uid <= stable; uid++) {
                            assertTrue(times.containsKey(uid), "walk " + walk + " missed user " + uid + ", bound throughout");
                        }
                    }
                } finally {
                    walking.set(false);
                }
            }
        });

        assertEquals(stable + churning, manager.userCount());
    }

    // =========================================================================================
    // Harness
    // =========================================================================================

    /** A test thread's body; an AssertionError thrown here fails the test. */
    private static void runConcurrently(int threads, Concurrently.ThreadBody body) throws Exception {
        Concurrently.run(threads, Duration.ofNanos(DEADLINE_NANOS), body);
    }

    /**
     * Lines threads up before each round by spinning on a shared counter, so that the operations
     * after it start within nanoseconds of each other. A parking barrier (CyclicBarrier) wakes its
     * waiters one by one, microseconds apart, and two operations that take a fraction of a
     * microsecond would then almost never overlap: the race under test would rarely be run.
     */
    private static final class SpinGate {
        private final int parties;
        private final AtomicInteger arrived = new AtomicInteger();
        private final long deadline = System.nanoTime() + DEADLINE_NANOS;

        SpinGate(int parties) {
            this.parties = parties;
        }

        /** Round numbers start at 0 and every party passes every round in order. */
        void await(int round) throws InterruptedException {
            arrived.incrementAndGet();
            long everyone = (long) parties * (round + 1);
            int spins = 0;
            while (arrived.get() < everyone) {
                if (++spins % 1024 == 0) {
                    // On a machine with fewer cores than parties, spinning alone would burn the
                    // time slice the party we wait for needs; yield now and then.
                    Thread.yield();
                    if (Thread.interrupted()) {
                        throw new InterruptedException("another party failed");
                    }
                    if (System.nanoTime() > deadline) {
                        fail("a party never reached round " + round + " of the spin gate");
                    }
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
