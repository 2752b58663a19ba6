package lockfree.stage3;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import org.jctools.maps.ConcurrentAutoTable;
import org.jctools.maps.NonBlockingHashMapLong;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Stage 3: the plan's two maps with no lock anywhere on the session path.
 *
 * <p>The user map is a JCTools {@link NonBlockingHashMapLong}: Cliff Click's open-addressing table
 * in which every write is a CAS on one slot and a resize is copied cooperatively by whichever
 * threads touch the table. The session registry is {@link SessionRegistry}, chained buckets changed
 * by CAS, because session ids are never reused and the open-addressing table keeps every removed
 * key until it copies itself (the first version of this stage used it for both maps; {@link #naive()}
 * keeps it, to be measured). Keys are primitive {@code long}s in both:
 * the session id, or the user id with its sign bit flipped (see {@code userKey}), so no lookup
 * allocates a {@code Long}. (Stages 0-2 must say which keys they use, or a comparison with this
 * stage measures boxing, not locking.)
 *
 * <p>A lock-free map alone is not enough. Stage 0 made "bind" and "remove" atomic by doing both
 * map updates under one write lock; here the two maps are updated by separate CASes, and another
 * thread can run between them. What ties them together is a small per-session state machine,
 * advanced only by CAS:
 *
 * <pre>
 *   CONNECTED ──bind──► BINDING ──bind──► BOUND
 *       │                  │                │
 *       └──────remove──────┴─────remove─────┴──► CLOSED
 * </pre>
 *
 * States only move to the right, so a CAS that expects a state can never be fooled by the state
 * leaving and coming back (no ABA on the lifecycle; see README "ABA and the garbage collector").
 * Whoever moves an entry out of a state owns the work that state implies; the comments on
 * {@link #bind} and {@link #remove} walk through every interleaving.
 *
 * <p>What it promises while others run (SessionManager's javadoc, stage 3's column): bind, remove
 * and getByUserId are linearizable, with the user map as the single source of truth (the state
 * machine decides who cleans up; it never filters a read); get is linearizable with add and
 * remove; the two maps are not one atomic object, and size/userCount are exact only when no call
 * is in flight. The one exception: a bind racing its own session's remove, which the gateway never
 * does (see bind). {@code Stage3ModelCheckTest} model-checks all of it.
 */
public final class LockFreeSessionManager implements SessionManager {

    /** Added, not logged in. */
    static final int CONNECTED = 0;
    /** bind has claimed the session and is publishing it in the user map. */
    static final int BINDING = 1;
    /** Published: reachable by user id until it is displaced or removed. */
    static final int BOUND = 2;
    /** Removed. Terminal. */
    static final int CLOSED = 3;

    /**
     * This stage's lifecycle record for one session. {@link Session} is common and final, so the
     * state lives here, in the object both maps point to. One Entry per session, never reused:
     * that is what makes "remove only if the map still holds this entry" a safe question to ask.
     */
    static final class Entry {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Entry.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /* Final: any thread that obtains the Entry, however racily, sees its session. */
        final Session session;
        /* The session's id, kept beside the state so that SessionRegistry's bucket scan reads
           one object per candidate, not two. */
        final long id;

        /*
         * CONNECTED at construction (the default 0, so no write is needed). Accessed only through
         * STATE; each access says which ordering it needs.
         */
        @SuppressWarnings("unused")
        private volatile int state;

        Entry(Session session) {
            this.session = session;
            this.id = session.id();
        }

        int state() {
            return (int) STATE.getVolatile(this);
        }

        /* The three transitions; the orderings each needs are argued where bind and remove call them. */

        /** bind, step 1: CONNECTED -&gt; BINDING. */
        boolean claim() {
            return STATE.compareAndSet(this, CONNECTED, BINDING);
        }

        /** bind, step 3: BINDING -&gt; BOUND; fails if remove closed the entry meanwhile. */
        boolean confirm() {
            return STATE.compareAndSet(this, BINDING, BOUND);
        }

        /** remove: any state -&gt; CLOSED; returns the state it replaced. */
        int close() {
            return (int) STATE.getAndSet(this, CLOSED);
        }
    }

    /**
     * Session id -&gt; entry: what the manager needs of its session registry. Lock-free in both
     * implementations, and linearizable operation by operation.
     */
    interface Registry {
        /** Adds the entry unless its id is registered; returns null if added, else the registered entry. */
        Entry putIfAbsent(Entry entry);

        Entry get(long id);

        /** Removes exactly this entry (by identity); false if it is not the one registered. */
        boolean remove(Entry entry);

        /** Registered entries; exact when no add or remove is in flight. */
        int size();
    }

    /**
     * Session id -&gt; entry, for every added and not yet removed session. A {@link SessionRegistry}:
     * not a NonBlockingHashMapLong, because session ids are never reused and that map keeps every
     * removed id until it copies its table, which under a steady stream of connections it keeps
     * doubling ({@link TombstoningRegistry}, the first version's, kept to be measured).
     */
    private final Registry bySession;

    /** {@code userKey(user id)} -&gt; entry of the session the user is bound to. */
    private final NonBlockingHashMapLong<Entry> byUser = new NonBlockingHashMapLong<>();

    /*
     * byUser's key for a user: the id with its sign bit flipped, so every key of a real user is
     * negative (user ids are positive, bind checks). This is for the broadcast walk.
     *
     * When NonBlockingHashMapLong copies a table into a bigger one, it first writes a marker into
     * each empty key slot of the old table, so that no new key can land there: slot i gets the key
     * i + tableLength, a positive number below 2^31. The values() iterator reads the keys of the
     * old table one by one and looks each up in the map, and it cannot tell a marker from a key.
     * So a walk that overlaps a resize looks up i + tableLength, and if a user with that id is
     * bound, visits that user a second time: a broadcast delivers the same message to them twice
     * (BroadcastWalkTest shows it). No marker is negative, so with flipped keys every key the walk
     * finds is either a real user's or matches nobody.
     *
     * The flip moves no key to another slot: the map's hash spreads bits downwards by at most 27
     * places before keeping the low 32, so bit 63 cannot reach them. Table layout and probe lengths
     * are exactly those of the plain ids.
     */
    static long userKey(long userId) {
        return userId ^ Long.MIN_VALUE;
    }

    /** Test seam: runs inside {@link #bind} between publishing and confirming. See the tests. */
    private final Runnable betweenPublishAndConfirm;

    public LockFreeSessionManager() {
        this(new SessionRegistry(), () -> { });
    }

    /** For the tests that run another operation inside bind's race window, deterministically. */
    LockFreeSessionManager(Runnable betweenPublishAndConfirm) {
        this(new SessionRegistry(), betweenPublishAndConfirm);
    }

    private LockFreeSessionManager(Registry bySession, Runnable betweenPublishAndConfirm) {
        this.bySession = bySession;
        this.betweenPublishAndConfirm = betweenPublishAndConfirm;
    }

    /**
     * The first version of this stage, for the benchmarks only: the same manager with its session
     * registry in a NonBlockingHashMapLong ({@link TombstoningRegistry}), the "before" of
     * {@code Stage3_04_SessionRegistry} and {@code ChurnMemory}. Never the gateway's.
     */
    public static LockFreeSessionManager naive() {
        return new LockFreeSessionManager(new TombstoningRegistry(), () -> { });
    }

    /**
     * @throws IllegalStateException if a session with this id is already registered
     */
    @Override
    public void add(Session session) {
        // putIfAbsent is one CAS on the id's bucket. A CAS has volatile semantics, so it is also
        // what publishes the new Entry to threads that later get() it.
        Entry previous = bySession.putIfAbsent(new Entry(session));
        if (previous != null) {
            throw new IllegalStateException(session + " is already registered");
        }
    }

    /*
     * bind, in three steps:
     *
     *   1. CAS CONNECTED -> BINDING   claim the session; fails if remove got there first
     *   2. byUser.put(uid, entry)     publish: an atomic exchange that hands back the displaced entry
     *   3. CAS BINDING -> BOUND       confirm; fails if remove ran during step 2
     *
     * The races, one by one:
     *
     * - remove before step 1. remove's getAndSet wrote CLOSED, step 1's CAS fails, bind returns
     *   null and never touches byUser. No resurrection.
     *
     * - remove between steps 1 and 3. remove reads BINDING from its getAndSet. It cannot know
     *   whether step 2 has happened yet, so it leaves the user map alone: BINDING means "the binder
     *   owns the user-map entry". Step 3's CAS then fails (the state is CLOSED), and the binder
     *   removes its own entry with a conditional remove. Exactly one thread cleans up; which one
     *   is decided by a single atomic variable, so no reasoning about the map's internals is needed.
     *
     * - remove after step 3. remove reads BOUND, and BOUND was written after step 2, so step 2's
     *   put is visible to remove (see the ordering notes at step 3), and remove's conditional
     *   remove(uid, entry) takes the entry out unless a newer login has already replaced it.
     *
     * - two logins of one user (sessions A and B). Both reach step 2; the puts are serialized by
     *   the slot's CAS. The first put displaces whatever was there, the second displaces the
     *   first. Each displaced session is returned exactly once, to exactly one binder, to be
     *   kicked; the last put wins. Never two live bindings, never a kick lost.
     *
     * Why not the shorter "put, then re-check the state" version? It also closes the first two
     * races, but only if remove, after writing CLOSED, is guaranteed to see the put when it reads
     * the slot: a store-then-load on each side (Dekker's pattern), which is sound only when both
     * loads are sequentially consistent. NonBlockingHashMapLong reads its slots with plain loads,
     * so that argument would rest on how HotSpot happens to compile them. The BINDING state makes
     * the hand-off explicit instead.
     */
    @Override
    public Session bind(Session session) {
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalStateException(session + " has no user id: call assignUser first");
        }
        Entry entry = bySession.get(session.id());
        if (entry == null || entry.session != session) {
            return null; // never added, or already removed
        }

        // Step 1. Needs atomicity against remove's getAndSet, nothing more: the binder reads no
        // data written by others after it. A session already BINDING or BOUND (a repeated bind)
        // fails here too: one login per connection, and the first one stands.
        if (!entry.claim()) {
            return null;
        }

        // Step 2. put(long, V) is an atomic exchange on the slot: concurrent logins of one user
        // are ordered by it, and each sees the entry the previous one installed.
        Entry displaced = byUser.put(userKey(uid), entry);

        betweenPublishAndConfirm.run();

        // Step 3. Needs release: a remove that reads BOUND with acquire then also sees step 2's
        // put, and its conditional remove finds our entry. (The volatile CAS used here is release
        // and acquire; VarHandle has no strong release-only compareAndSet, and this runs once per
        // login, so the difference would not show.)
        if (!entry.confirm()) {
            // remove ran during step 2 and left the user map to us. Conditional: if a newer
            // login already replaced our entry, that binding is not ours to touch.
            byUser.remove(userKey(uid), entry);
            // We still displaced someone in step 2, and there is no safe way to put them back
            // (they may be closing too). The outcome is the one the caller would see had our
            // login completed and the connection closed a moment later: the old session is kicked
            // and the user is bound to nothing. This is the one window in which this stage is not
            // linearizable: a reader that ran after the remove returned may still have seen the
            // old session, which this bind then reports displaced. It needs a session's login and
            // its own close to run on two threads at once, which the gateway never does (both
            // run on the connection's event loop); SessionManager's javadoc says so.
        }
        // Whatever step 2 displaced, reported as it was at that instant, even if its own remove
        // has run since: the put was the linearization point, and the entry was in the map then,
        // so the user was bound to that session. (Until issue 13 this filtered out a displaced
        // entry that was CLOSED by now, and lost the kick of a session that was live when
        // displaced and closed a moment later; see README "The re-login races".)
        return displaced == null ? null : displaced.session;
    }

    @Override
    public boolean remove(Session session) {
        Entry entry = bySession.get(session.id());
        if (entry == null || entry.session != session) {
            return false;
        }
        // The one step that closes a session, from any state, with no retry loop. Exactly
        // one caller reads a state other than CLOSED, so a double close reports true once.
        // Needs acquire: when it reads BOUND, the binder's put (step 2) must be visible before
        // our remove(uid, entry) below looks at the slot. Release is not needed: a binder that
        // fails step 3 reads nothing of ours. The volatile getAndSet gives both.
        int last = entry.close();
        if (last == CLOSED) {
            return false;
        }
        // Conditional on the entry: a later add() of the same id (a test reusing ids) is kept.
        // The registry frees the entry's place in its bucket here: nothing of the session stays.
        bySession.remove(entry);
        if (last == BOUND) {
            // Conditional remove, the first rule of SessionManager: if the user has logged in
            // again, byUser holds the new entry and this does nothing. Entry identity, not the
            // session id, is compared: NonBlockingHashMapLong.remove(k, v) uses equals, which
            // Entry leaves as identity.
            byUser.remove(userKey(session.userId()), entry);
        }
        // last == BINDING: the binder owns the user map entry and will take it out (see bind).
        // last == CONNECTED: never bound, nothing else to do.
        return true;
    }

    @Override
    public Session get(long sessionId) {
        Entry entry = bySession.get(sessionId);
        return entry == null ? null : entry.session;
    }

    /*
     * The broadcast path: one lookup in a lock-free table (plain loads, no CAS, no allocation, no
     * retry, so wait-free as far as this class goes) and nothing else.
     *
     * Whatever entry the lookup finds is the answer, even if its session has CLOSED since. The
     * user map is the single source of truth for "who is user u bound to": a session is bound
     * from the put that installs its entry (bind, step 2) until the CAS that takes the entry out
     * (remove's conditional remove, or a newer login's put). remove's getAndSet(CLOSED) comes
     * before that and changes nothing here; in that window the answer is the old, closing
     * session, exactly as in stages 0-2, and a message offered to it is discarded by its drain.
     *
     * Why not skip CLOSED entries (the version before issue 13)? Because CLOSED says when the
     * session closed, not when it stopped being the user's session. A reader that loads the
     * entry of session 1 and is descheduled, while user 1 logs in again on session 2 and session
     * 1's connection closes, then finds 1 CLOSED and answers "nobody", though user 1 was bound
     * throughout, to 1 and then to 2: a message to a logged-in user answered offline. Looking
     * again when the entry is CLOSED would mend this reader, but bind would still need to know
     * whether the entry it displaced had closed before or after its put, and the two facts live
     * in two different words (the slot and the state); no read afterwards can order them.
     * README "The re-login races" draws all three interleavings.
     */
    @Override
    public Session getByUserId(long userId) {
        Entry entry = byUser.get(userKey(userId));
        return entry == null ? null : entry.session;
    }

    @Override
    public int size() {
        return bySession.size();
    }

    /* Exact when no bind or remove is in flight; may count a closing entry for a moment. */
    @Override
    public int userCount() {
        return byUser.size();
    }

    /*
     * NonBlockingHashMapLong's iterator walks a snapshot of one table, visiting each key slot once
     * and looking the key up in the current table as it goes: weakly consistent, and a user bound
     * throughout is in the snapshot, and is visited with whichever session they are bound to when
     * the walk reaches them (a closing one included, as in getByUserId: skipping closed entries
     * skipped a user whose re-login had replaced the entry the walk held). No user twice only
     * because of userKey: a resize during the walk fills the snapshot's empty slots with markers
     * that the walk also looks up.
     */
    @Override
    public void forEachUser(Consumer<Session> action) {
        for (Entry entry : byUser.values()) {
            action.accept(entry.session);
        }
    }

    /**
     * Stage 3's session id -&gt; entry table: lock-free, and a removed session leaves nothing behind.
     *
     * <p>Why not {@code NonBlockingHashMapLong}, as the user map is? Session ids are never reused (a
     * process-wide counter hands them out), and that map never frees the slot of a removed key: the
     * key stays, with a tombstone for its value, until the whole table is copied. Every connection
     * therefore uses up one slot for good; when a quarter of the slots are used the table is copied,
     * and because its resize rule doubles the table whenever the previous copy was less than ten
     * seconds ago, a steady stream of connections keeps doubling it and never lets it shrink. (The user
     * map does not have this problem: users come back, and a returning user's key finds its old slot.)
     * README "Before and after: the session registry" has the whole story and the benchmark.
     *
     * <p>This table chains instead of probing. Each bucket is one slot of an array holding an
     * immutable value: nothing, one {@link Entry}, or an {@code Entry[]} of several. Every change is
     * one CAS that swaps a bucket's old value for a new one, so a remove takes the entry out of the
     * bucket and nothing of it remains. Ids from a counter land in consecutive buckets (see
     * {@code hash}), so with no more entries than buckets almost every bucket holds zero or one entry,
     * and a change allocates nothing but the array of a shared bucket.
     *
     * <p><b>Resizing.</b> The bucket array doubles when there are more entries than buckets and halves
     * when there are fewer than an eighth as many (never below {@link #MIN_BUCKETS}): it follows the
     * live count, up and down. A resize copies bucket by bucket, and every thread that meets a bucket
     * being copied finishes that bucket's copy itself, so nobody waits for the thread that started it:
     * <pre>
     *   live value ──freeze──► Frozen(value) ──copy to the new array, then──► MOVED
     * </pre>
     * <ul>
     *   <li><b>Freeze</b>: a CAS from the bucket's value v to {@code new Frozen(v)}. From then on no
     *       write can change the bucket (a writer's CAS expects a live value), and readers read v
     *       through the Frozen: the bucket's contents are still v, only frozen.</li>
     *   <li><b>Copy</b>: each bucket of the new array that takes entries from the frozen one(s) is
     *       written by a CAS from null to its share (or {@link #EMPTY}); every helper computes the same
     *       share from the same immutable values, the first CAS wins and the others fail harmlessly.
     *       A new bucket is null only until then: nothing can reach it before (see MOVED), and no one
     *       ever writes null again, so a late helper's CAS can never overwrite a later change.</li>
     *   <li><b>MOVED</b>: the frozen bucket is replaced by the marker. Whoever finds MOVED goes on to
     *       the new array, where the copy is already in place because it was written first.</li>
     * </ul>
     * For each key the truth is in exactly one place at any instant: its old bucket until that bucket
     * is MOVED, its new bucket after. Every operation here touches one key, so each is linearizable at
     * the load or CAS of the bucket that holds the truth. When all buckets are MOVED, the thread that
     * started the resize publishes the new array as {@link #table}; until then threads go through the
     * old array's MOVED markers, one extra step.
     *
     * <p><b>Size.</b> Counted apart from the buckets in a {@link ConcurrentAutoTable} (JCTools' striped
     * counter, the one its maps use), after the CAS that made the change: exact when no add or remove
     * is in flight, as the contract asks of {@code size()}.
     */
    static final class SessionRegistry implements Registry {

        /** The smallest bucket array, and the one the gateway's registry starts with. */
        static final int MIN_BUCKETS = 1 << 10;

        /** A bucket emptied after it was filled by a copy. Never null again: see the class comment. */
        private static final Object EMPTY = new Object();
        /** The bucket was copied to {@link Table#next}; look there. */
        private static final Object MOVED = new Object();

        /** A bucket being copied, with the contents it had when it was frozen. */
        private static final class Frozen {
            final Object contents;

            Frozen(Object contents) {
                this.contents = contents;
            }
        }

        private static final Frozen FROZEN_EMPTY = new Frozen(EMPTY);

        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
        private static final VarHandle NEXT;

        static {
            try {
                NEXT = MethodHandles.lookup().findVarHandle(Table.class, "next", Table.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private static final class Table {
            /* Slots are read with getVolatile and changed only by CAS: a thread that finds an Entry
               in a bucket sees the Entry's final fields and everything written before the CAS that
               put it there. */
            final Object[] buckets;
            final int mask;
            /* The array this one is being copied into; set once, by CAS (NEXT), by the thread that
               starts the resize, before it freezes any bucket. */
            volatile Table next;

            Table(int length) {
                buckets = new Object[length];
                mask = length - 1;
            }
        }

        /* The current array. Replaced only by the thread that started a resize, after every bucket of
           the old one is MOVED; readers that still hold the old one get forwarded bucket by bucket. */
        private volatile Table table;

        private final ConcurrentAutoTable count = new ConcurrentAutoTable();

        private final int minBuckets;

        /* False only in SessionRegistryTest's planted bug: copy a bucket without freezing it first. */
        private final boolean freezeBeforeCopy;

        /* Test seam: runs in moveGroup between reading the group's contents and copying them. */
        private final Runnable betweenFreezeAndCopy;

        SessionRegistry() {
            this(MIN_BUCKETS, true, () -> { });
        }

        /**
         * For the tests: a small minimum makes a handful of adds and removes resize; the seam lets a
         * test change a bucket in the middle of its copy, deterministically.
         */
        SessionRegistry(int minBuckets, boolean freezeBeforeCopy, Runnable betweenFreezeAndCopy) {
            if (Integer.bitCount(minBuckets) != 1) {
                throw new IllegalArgumentException("minBuckets must be a power of two: " + minBuckets);
            }
            this.minBuckets = minBuckets;
            this.freezeBeforeCopy = freezeBeforeCopy;
            this.betweenFreezeAndCopy = betweenFreezeAndCopy;
            this.table = new Table(minBuckets);
        }

        /*
         * Session ids come from a counter, so consecutive ids are the common case, and keeping their
         * low bits as they are puts them in consecutive buckets: no two of any n consecutive ids share
         * a bucket, and the adds of a burst of connections touch neighbouring cache lines instead of
         * one random line each (a scrambling hash made every add a cache miss). The high half is folded
         * in so that ids that differ only there (per-thread id ranges) do not collide. Session ids are
         * made by the gateway, never by clients, so no one can choose ids that pile into one bucket.
         */
        private static int hash(long id) {
            int h = (int) (id ^ (id >>> 32));
            return h ^ (h >>> 16);
        }

        /**
         * Adds the entry unless an entry with the same session id is registered.
         *
         * @return null if added, else the entry already registered under the id
         */
        @Override
        public Entry putIfAbsent(Entry entry) {
            long id = entry.id;
            int h = hash(id);
            Table t = table;
            while (true) {
                int i = h & t.mask;
                Object b = SLOT.getVolatile(t.buckets, i);
                if (b == MOVED || b instanceof Frozen) {
                    t = helpMove(t, i);
                    continue;
                }
                Entry found = find(b, id);
                if (found != null) {
                    return found;
                }
                // The CAS is the linearization point; it fails if any change (or a freeze) reached
                // the bucket since the load, and then we look again.
                if (SLOT.compareAndSet(t.buckets, i, b, with(b, entry))) {
                    count.add(1);
                    // The grow rule is read (a sum over every thread's cell of the count) when the
                    // entry had to share its bucket, which is how too many entries show, and for one
                    // id in 64; an add into an empty bucket, the common case, reads nothing shared.
                    if (b != null && b != EMPTY || (id & 63) == 0) {
                        resizeIfNeeded();
                    }
                    return null;
                }
            }
        }

        /** The entry registered under the id, or null. Volatile loads only; no CAS, no allocation. */
        @Override
        public Entry get(long id) {
            int h = hash(id);
            Table t = table;
            while (true) {
                Object b = SLOT.getVolatile(t.buckets, h & t.mask);
                if (b == MOVED) {
                    // The copy in t.next was written before MOVED, and next before any copy.
                    t = t.next;
                    continue;
                }
                if (b instanceof Frozen f) {
                    b = f.contents;
                }
                return find(b, id);
            }
        }

        /** Removes exactly this entry (by identity); a newer entry under the same id is kept. */
        @Override
        public boolean remove(Entry entry) {
            long id = entry.id;
            int h = hash(id);
            Table t = table;
            while (true) {
                int i = h & t.mask;
                Object b = SLOT.getVolatile(t.buckets, i);
                if (b == MOVED || b instanceof Frozen) {
                    t = helpMove(t, i);
                    continue;
                }
                if (find(b, id) != entry) {
                    return false;
                }
                if (SLOT.compareAndSet(t.buckets, i, b, without(b, entry))) {
                    count.add(-1);
                    // Reading the count sums every thread's cell of it, a cache miss when another core
                    // has just written its own; a remove pays that for one id in 64 (one remove in 64
                    // when ids come from a counter). The table then shrinks a little late, never wrongly.
                    if ((id & 63) == 0) {
                        resizeIfNeeded();
                    }
                    return true;
                }
            }
        }

        /** Registered entries; exact when no add or remove is in flight. */
        @Override
        public int size() {
            return (int) count.get();
        }

        /** The current bucket array's length: what the memory tests watch. */
        int buckets() {
            return table.buckets.length;
        }

        // ---- buckets: immutable values -----------------------------------------------------------

        private static Entry find(Object b, long id) {
            if (b instanceof Entry e) {
                return e.id == id ? e : null;
            }
            if (b instanceof Entry[] es) {
                for (Entry e : es) {
                    if (e.id == id) {
                        return e;
                    }
                }
            }
            return null; // null or EMPTY
        }

        private static Object with(Object b, Entry entry) {
            if (b instanceof Entry e) {
                return new Entry[] {e, entry};
            }
            if (b instanceof Entry[] es) {
                Entry[] more = Arrays.copyOf(es, es.length + 1);
                more[es.length] = entry;
                return more;
            }
            return entry;
        }

        /** b without the entry, which it holds. Never null (see EMPTY). */
        private static Object without(Object b, Entry entry) {
            if (b == entry) {
                return EMPTY;
            }
            Entry[] es = (Entry[]) b;
            if (es.length == 2) {
                return es[0] == entry ? es[1] : es[0];
            }
            Entry[] fewer = new Entry[es.length - 1];
            int n = 0;
            for (Entry e : es) {
                if (e != entry) {
                    fewer[n++] = e;
                }
            }
            return fewer;
        }

        /** The entries of a bucket value whose hash lands in bucket {@code j} of an array with this mask. */
        private static Object share(Object contents, int mask, int j, Object into) {
            if (contents instanceof Entry e) {
                return (hash(e.id) & mask) == j ? with(into, e) : into;
            }
            if (contents instanceof Entry[] es) {
                for (Entry e : es) {
                    if ((hash(e.id) & mask) == j) {
                        into = with(into, e);
                    }
                }
            }
            return into;
        }

        // ---- resizing ------------------------------------------------------------------------------

        /*
         * Called after some successful changes (an add that shared a bucket, one add or remove in 64),
         * so the count it reads includes that change; the table resizes a little late, never wrongly.
         * Starts a resize only on the current array and only if none is running on it: a resize of
         * the new array waits until the old one is retired (until then the counts it would act on
         * are still moving).
         */
        private void resizeIfNeeded() {
            Table t = table;
            int n = t.buckets.length;
            long live = count.estimate_get();
            int length;
            if (live > n) {
                length = n << 1;
            } else if (live < n >>> 3 && n > minBuckets) {
                length = n >>> 1;
            } else {
                return;
            }
            if (t.next != null || !NEXT.compareAndSet(t, null, new Table(length))) {
                return; // someone else is resizing this array
            }
            for (int i = 0; i < n; i++) {
                if (SLOT.getVolatile(t.buckets, i) != MOVED) {
                    moveGroup(t, i);
                }
            }
            // Every bucket of t is MOVED: retire it. The volatile store releases: a thread that reads
            // the new array from here also sees every copy written into it.
            table = t.next;
        }

        /** Finishes copying the group of bucket i of t; returns the array to continue in. */
        private Table helpMove(Table t, int i) {
            moveGroup(t, i);
            return t.next;
        }

        /*
         * The buckets of the old array that are copied together: when the array doubles, old bucket i
         * alone fills new buckets i and i + n; when it halves, old buckets k and k + n/2 together fill
         * new bucket k. Freezing every bucket of the group before copying is what makes each new
         * bucket's share a pure function of frozen values, the same for every helper.
         */
        private void moveGroup(Table old, int i) {
            Table nu = old.next;
            int n = old.buckets.length;
            int m = nu.buckets.length;
            int first;
            int second;
            if (m > n) {
                first = i;
                second = -1;
            } else {
                first = i & nu.mask;
                second = first + m;
            }
            Object a = freeze(old, first);
            Object b = second < 0 ? null : freeze(old, second);
            if (a == MOVED || b == MOVED) {
                // A group turns MOVED only after its new buckets are written (below); a MOVED member
                // means another helper got past the copy. Turn the rest of the group MOVED too.
                markMoved(old, first);
                if (second >= 0) {
                    markMoved(old, second);
                }
                return;
            }
            betweenFreezeAndCopy.run();
            if (m > n) {
                copyInto(nu, first, share(a, nu.mask, first, null));
                copyInto(nu, first + n, share(a, nu.mask, first + n, null));
            } else {
                copyInto(nu, first, share(b, nu.mask, first, share(a, nu.mask, first, null)));
            }
            markMoved(old, first);
            if (second >= 0) {
                markMoved(old, second);
            }
        }

        /** Freezes the bucket unless it is frozen or moved; returns its frozen contents, or MOVED. */
        private Object freeze(Table t, int i) {
            while (true) {
                Object b = SLOT.getVolatile(t.buckets, i);
                if (b == MOVED) {
                    return MOVED;
                }
                if (b instanceof Frozen f) {
                    return f.contents;
                }
                if (!freezeBeforeCopy) {
                    return b; // the planted bug: a writer can still change b after this copy is made
                }
                // Fails if a writer changed the bucket since the load: then freeze its new value.
                // An empty bucket (most of them) shares one Frozen: nothing compares Frozens by
                // identity, and a frozen bucket only ever turns MOVED.
                Frozen frozen = b == null || b == EMPTY ? FROZEN_EMPTY : new Frozen(b);
                if (SLOT.compareAndSet(t.buckets, i, b, frozen)) {
                    return b;
                }
            }
        }

        private static void copyInto(Table nu, int j, Object share) {
            // Only from null: a bucket already written by another helper (and perhaps changed since)
            // is left alone.
            SLOT.compareAndSet(nu.buckets, j, null, share == null ? EMPTY : share);
        }

        private static void markMoved(Table t, int i) {
            // Every member of a group is frozen or MOVED by now, and a frozen bucket can only turn
            // MOVED, so a store is enough (no CAS); the load only skips it where a helper made it.
            // (Without the freeze, this store is what overwrites a writer's change: the planted bug.)
            if (SLOT.getVolatile(t.buckets, i) != MOVED) {
                SLOT.setVolatile(t.buckets, i, MOVED);
            }
        }
    }

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
    static final class TombstoningRegistry implements Registry {
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
}
