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

    /** Both maps behind one monitor; callbacks of {@link #forEachUser} run outside it. */
    public static final class Sessions implements SessionManager {
        private final Map<Long, Session> byId = new HashMap<>();
        private final Map<Long, Session> byUser = new HashMap<>();

        @Override
        public synchronized void add(Session session) {
            byId.put(session.id(), session);
        }

        @Override
        public synchronized Session bind(Session session) {
            if (byId.get(session.id()) != session) {
                return null; // already removed: binding now would resurrect it
            }
            Session displaced = byUser.put(session.userId(), session);
            return displaced == session ? null : displaced; // bound twice: a session never kicks itself
        }

        @Override
        public synchronized boolean remove(Session session) {
            boolean registered = byId.remove(session.id(), session);
            if (session.userId() != 0) {
                byUser.remove(session.userId(), session);
            }
            return registered;
        }

        @Override
        public synchronized Session get(long sessionId) {
            return byId.get(sessionId);
        }

        @Override
        public synchronized Session getByUserId(long userId) {
            return byUser.get(userId);
        }

        @Override
        public synchronized int size() {
            return byId.size();
        }

        @Override
        public synchronized int userCount() {
            return byUser.size();
        }

        @Override
        public void forEachUser(Consumer<Session> action) {
            List<Session> snapshot;
            synchronized (this) {
                snapshot = new ArrayList<>(byUser.values());
            }
            snapshot.forEach(action);
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
