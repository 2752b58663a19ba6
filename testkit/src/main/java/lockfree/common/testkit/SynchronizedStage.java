package lockfree.common.testkit;

import lockfree.common.cli.GatewayMain;
import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.contract.Stage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The plainest correct stage: every method {@code synchronized} on its object. It lets common's
 * own tests (the Redis cluster tests) run real gateways without depending on a stage module; the
 * stages are what the workshop is about, this is only a fixture. It passes both contract suites
 * ({@code SynchronizedStageContractTest}).
 *
 * <p>Its {@code main} is a gateway like any stage's, for tests that need a node in its own JVM.
 */
public final class SynchronizedStage {
    public static final Stage STAGE = new Stage("test-synchronized", "test fixture: synchronized maps and queues",
            Sessions::new, Queue::new);

    private SynchronizedStage() {
    }

    public static void main(String[] args) {
        System.exit(GatewayMain.run(STAGE, args));
    }

    /**
     * One monitor around every call of a session manager that is correct at one thread: by
     * default two HashMaps ({@link HashMaps}); the benchmarks' limit table is tested this way too.
     * Callbacks of {@link #forEachUser} run outside the monitor, on a snapshot.
     */
    public static final class Sessions implements SessionManager {
        private final SessionManager oneThread;

        public Sessions() {
            this(new HashMaps());
        }

        /** {@code oneThread}, correct under any number of threads and otherwise unchanged. */
        public Sessions(SessionManager oneThread) {
            this.oneThread = oneThread;
        }

        @Override
        public synchronized void add(Session session) {
            oneThread.add(session);
        }

        @Override
        public synchronized Session bind(Session session) {
            return oneThread.bind(session);
        }

        @Override
        public synchronized boolean remove(Session session) {
            return oneThread.remove(session);
        }

        @Override
        public synchronized Session get(long sessionId) {
            return oneThread.get(sessionId);
        }

        @Override
        public synchronized Session getByUserId(long userId) {
            return oneThread.getByUserId(userId);
        }

        @Override
        public synchronized int size() {
            return oneThread.size();
        }

        @Override
        public synchronized int userCount() {
            return oneThread.userCount();
        }

        @Override
        public void forEachUser(Consumer<Session> action) {
            List<Session> snapshot = new ArrayList<>();
            synchronized (this) {
                oneThread.forEachUser(snapshot::add);
            }
            snapshot.forEach(action);
        }
    }

    /** Both maps as plain HashMaps: correct at one thread, so {@link Sessions} calls it under its monitor. */
    private static final class HashMaps implements SessionManager {
        private final Map<Long, Session> byId = new HashMap<>();
        private final Map<Long, Session> byUser = new HashMap<>();

        @Override
        public void add(Session session) {
            byId.put(session.id(), session);
        }

        @Override
        public Session bind(Session session) {
            if (session.userId() <= 0) {
                throw new IllegalArgumentException("uid must be positive: " + session.userId());
            }
            if (byId.get(session.id()) != session) {
                return null; // already removed: binding now would resurrect it
            }
            Session displaced = byUser.put(session.userId(), session);
            return displaced == session ? null : displaced; // bound twice: a session never kicks itself
        }

        @Override
        public boolean remove(Session session) {
            boolean registered = byId.remove(session.id(), session);
            if (session.userId() != 0) {
                byUser.remove(session.userId(), session);
            }
            return registered;
        }

        @Override
        public Session get(long sessionId) {
            return byId.get(sessionId);
        }

        @Override
        public Session getByUserId(long userId) {
            return byUser.get(userId);
        }

        @Override
        public int size() {
            return byId.size();
        }

        @Override
        public int userCount() {
            return byUser.size();
        }

        @Override
        public void forEachUser(Consumer<Session> action) {
            byUser.values().forEach(action);
        }
    }

    /** A bounded deque behind its monitor; a drain is scheduled only when none is pending. */
    public static final class Queue<E> implements SendQueue<E> {
        private final ArrayDeque<E> queue = new ArrayDeque<>();
        private final int capacity;
        private final Outbound<E> outbound;
        private boolean drainPending;

        public Queue(int capacity, Outbound<E> outbound) {
            this.capacity = capacity;
            this.outbound = outbound;
        }

        @Override
        public boolean offer(E message) {
            synchronized (this) {
                if (queue.size() == capacity) {
                    return false;
                }
                queue.add(message);
            }
            scheduleDrain();
            return true;
        }

        @Override
        public void scheduleDrain() {
            synchronized (this) {
                if (drainPending) {
                    return;
                }
                drainPending = true;
            }
            outbound.execute(this::drain);
        }

        @Override
        public synchronized int size() {
            return queue.size();
        }

        private void drain() {
            synchronized (this) {
                // Cleared before polling: an offer from now on schedules another drain.
                drainPending = false;
            }
            boolean wrote = false;
            while (outbound.isOpen() && outbound.isWritable()) {
                E m = poll();
                if (m == null) {
                    break;
                }
                outbound.write(m);
                wrote = true;
            }
            if (wrote) {
                outbound.flush();
            }
            if (!outbound.isOpen()) {
                for (E m; (m = poll()) != null; ) {
                    outbound.discard(m);
                }
            }
        }

        private synchronized E poll() {
            return queue.poll();
        }
    }
}
