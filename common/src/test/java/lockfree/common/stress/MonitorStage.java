package lockfree.common.stress;

import lockfree.common.Outbound;
import lockfree.common.SendQueue;
import lockfree.common.Session;
import lockfree.common.SessionManager;
import lockfree.common.Stage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The smallest correct stage, for driving a real gateway in common's own tests: every method of
 * both classes is {@code synchronized}. common cannot depend on stage0 (stage0 depends on common),
 * and the stress tool's end-to-end test needs only a gateway that delivers, not a fast one.
 */
final class MonitorStage {
    static final Stage STAGE = new Stage("test-monitor", "synchronized maps and queues, for common's tests",
            Sessions::new, Queue::new);

    private MonitorStage() {
    }

    static final class Sessions implements SessionManager {
        private final Map<Long, Session> byId = new HashMap<>();
        private final Map<Long, Session> byUser = new HashMap<>();

        @Override
        public synchronized void add(Session s) {
            byId.put(s.id(), s);
        }

        @Override
        public synchronized Session bind(Session s) {
            return byId.get(s.id()) == s ? byUser.put(s.userId(), s) : null;
        }

        @Override
        public synchronized boolean remove(Session s) {
            byUser.remove(s.userId(), s); // conditional: a newer login of the user stays bound
            return byId.remove(s.id(), s);
        }

        @Override
        public synchronized Session get(long id) {
            return byId.get(id);
        }

        @Override
        public synchronized Session getByUserId(long uid) {
            return byUser.get(uid);
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
            List<Session> copy;
            synchronized (this) {
                copy = new ArrayList<>(byUser.values());
            }
            copy.forEach(action); // outside the monitor: the action offers to queues
        }
    }

    static final class Queue<E> implements SendQueue<E> {
        private final ArrayDeque<E> queue = new ArrayDeque<>();
        private final int capacity;
        private final Outbound<E> outbound;

        Queue(int capacity, Outbound<E> outbound) {
            this.capacity = capacity;
            this.outbound = outbound;
        }

        @Override
        public boolean offer(E m) {
            synchronized (this) {
                if (queue.size() == capacity) {
                    return false;
                }
                queue.add(m);
            }
            outbound.execute(this::drain); // after the add: this drain will find it
            return true;
        }

        @Override
        public void scheduleDrain() {
            outbound.execute(this::drain);
        }

        @Override
        public synchronized int size() {
            return queue.size();
        }

        private void drain() {
            E m;
            while (outbound.isOpen() && outbound.isWritable() && (m = poll()) != null) {
                outbound.write(m);
            }
            outbound.flush();
            if (!outbound.isOpen()) {
                while ((m = poll()) != null) {
                    outbound.discard(m);
                }
            }
        }

        private synchronized E poll() {
            return queue.poll();
        }
    }
}
