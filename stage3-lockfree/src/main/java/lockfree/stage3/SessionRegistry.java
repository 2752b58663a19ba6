package lockfree.stage3;

import lockfree.stage3.LockFreeSessionManager.Entry;
import org.jctools.maps.ConcurrentAutoTable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Stage 3's session id -&gt; entry table, its second lesson: a lock-free hash table that grows and
 * shrinks with the live count, and in which a removed session leaves nothing behind.
 *
 * <p>Why not {@code NonBlockingHashMapLong}, as the user map is? Session ids are never reused (a
 * process-wide counter hands them out), and that map never frees the slot of a removed key: the
 * key stays, with a tombstone for its value, until the whole table is copied. Every connection
 * therefore uses up one slot for good; when a quarter of the slots are used the table is copied,
 * and because its resize rule doubles the table whenever the previous copy was less than ten
 * seconds ago, a steady stream of connections keeps doubling it and never lets it shrink. (The user
 * map does not have this problem: users come back, and a returning user's key finds its old slot.)
 * README "The second lesson: a table that follows the live count" tells the story; the benchmarks
 * module's {@code TombstoningRegistry} is that map in this role, kept to be measured against this one.
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
final class SessionRegistry implements LockFreeSessionManager.Registry {

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

    /* Test seam: runs in moveGroup between reading the group's contents and copying them. */
    private final Runnable betweenFreezeAndCopy;

    SessionRegistry() {
        this(MIN_BUCKETS, () -> { });
    }

    /**
     * For the tests: a small minimum makes a handful of adds and removes resize; the seam lets a
     * test change a bucket in the middle of its copy, deterministically.
     */
    SessionRegistry(int minBuckets, Runnable betweenFreezeAndCopy) {
        if (Integer.bitCount(minBuckets) != 1) {
            throw new IllegalArgumentException("minBuckets must be a power of two: " + minBuckets);
        }
        this.minBuckets = minBuckets;
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
        // Without the freeze, this store is what would overwrite a writer's change: a writer that
        // CASed its add into the live bucket after moveGroup read it (so the copy lacks the add)
        // would see its add vanish here. SessionRegistryTest thaws a bucket to show exactly that.
        if (SLOT.getVolatile(t.buckets, i) != MOVED) {
            SLOT.setVolatile(t.buckets, i, MOVED);
        }
    }
}
