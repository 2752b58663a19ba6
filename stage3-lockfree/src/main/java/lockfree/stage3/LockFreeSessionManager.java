package lockfree.stage3;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import org.jctools.maps.NonBlockingHashMapLong;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * Stage 3: the plan's two maps with no lock anywhere on the session path. Stage 2's shards, each
 * with its own lock over two small maps, become two lock-free tables and a per-session state
 * machine advanced by CAS.
 *
 * <p>The user map is a JCTools {@link NonBlockingHashMapLong}: Cliff Click's open-addressing table
 * in which every write is a CAS on one slot and a resize is copied cooperatively by whichever
 * threads touch the table. The session registry is a {@link SessionRegistry}, chained buckets
 * changed by CAS: session ids are never reused, and an open-addressing table keeps every removed
 * key until it copies itself (see that class; it is this stage's second lesson). Keys are
 * primitive {@code long}s in both: the session id, or the user id with its sign bit flipped (see
 * {@code userKey}), so no lookup allocates a {@code Long}. (Stages 0-2 keep boxed keys on
 * purpose, so that their comparison measures locking; the benchmarks module's
 * {@code stage3-boxed} splits the two changes this stage makes at once.)
 *
 * <p>A lock-free map alone is not enough. Stages 0-2 make "bind" and "remove" atomic by doing both
 * map updates under locks; here the two maps are updated by separate CASes, and another thread
 * can run between them. What ties them together is a small per-session state machine, advanced
 * only by CAS:
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
 * is in flight. Two exceptions, both about one session's own calls racing each other, which the
 * gateway never makes (they all run on the connection's event loop): a bind racing its own
 * session's remove, and two binds of one session at once (see bind). {@code Stage3ModelCheckTest}
 * model-checks all of it and shows both windows.
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

    /** Session id -&gt; entry, for every added and not yet removed session. */
    private final Registry bySession;

    /** {@code userKey(user id)} -&gt; entry of the session the user is bound to. */
    private final NonBlockingHashMapLong<Entry> byUser = new NonBlockingHashMapLong<>();

    /** Runs inside {@link #bind} between publishing and confirming; nothing in the gateway. */
    private final Runnable betweenPublishAndConfirm;

    public LockFreeSessionManager() {
        this(new SessionRegistry(), () -> { });
    }

    /**
     * For the tests, which run another operation inside bind's race window deterministically, and
     * for the benchmarks module's {@code TombstoningRegistry}, which swaps the session registry.
     */
    LockFreeSessionManager(Registry bySession, Runnable betweenPublishAndConfirm) {
        this.bySession = bySession;
        this.betweenPublishAndConfirm = betweenPublishAndConfirm;
    }

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
     *   Readers see this race half-done for a moment: the window argued at step 3.
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
     * - two binds of one session. The second one's step 1 fails, and it returns null while the
     *   first may not have reached step 2 yet: this stage's second window, argued at step 1.
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
            throw new IllegalArgumentException("uid must be positive: " + uid);
        }
        Entry entry = bySession.get(session.id());
        if (entry == null || entry.session != session) {
            return null; // never added, or already removed
        }

        // Step 1. Needs atomicity against remove's getAndSet, nothing more: the binder reads no
        // data written by others after it. A session already BINDING or BOUND (a repeated bind)
        // fails here too: one login per connection, and the first one stands.
        //
        // Two binds of one session at once are stage 3's second window. Bind A claims and is
        // descheduled before step 2; bind B fails here and returns null ("already bound"), and a
        // getByUserId on B's thread, after B returned, still finds the user's previous session or
        // nobody, though B's answer says this session is bound. The window closes when A's put
        // lands. Closing it would mean B waiting for A's step 2: a lock in another name. The
        // gateway binds a session once, on its event loop, so it never opens.
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
            // and the user is bound to nothing. This is the window in which a bind racing its own
            // session's remove is not linearizable. A reader that starts after the remove returned
            // may find the user's previous session (until step 2 displaces it; this bind then
            // reports it displaced) or this closing session itself (from step 2, which the
            // remove, reading BINDING, left to us, until the conditional remove above); once this
            // bind returns, neither. It needs
            // a session's login and its own close on two threads at once, which the gateway never
            // does (both run on the connection's event loop); SessionManager's javadoc says so.
        }
        // Whatever step 2 displaced, reported as it was at that instant, even if its own remove
        // has run since: the put was the linearization point, and the entry was in the map then,
        // so the user was bound to that session. Why not leave out a displaced entry that is
        // CLOSED by now? Because CLOSED says when that session closed, not when it stopped being
        // bound. In bind(s2) racing the old connection's remove(s1), the put displaces s1 while it
        // is live, a reader sees s2 bound, and then s1's remove writes CLOSED before this line:
        // answering null would say user 1 was bound to nobody at the put, and s1's kick would be
        // lost. README "The re-login races" draws it.
        return displaced == null ? null : displaced.session;
    }

    /*
     * remove: one getAndSet to CLOSED decides everything, from any state, with no retry loop; the
     * state it replaced says who still has work to do (the races are walked through above bind).
     */
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
     * Why not skip CLOSED entries? Because CLOSED says when the session closed, not when it
     * stopped being the user's session. A reader that loads the entry of session 1 and is
     * descheduled, while user 1 logs in again on session 2 and session
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
     * would skip a user whose re-login replaced the entry the walk held). No user twice only
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
     * Session id -&gt; entry: what the manager needs of its session registry, {@link SessionRegistry}
     * in the gateway. Lock-free, and linearizable operation by operation.
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
}
