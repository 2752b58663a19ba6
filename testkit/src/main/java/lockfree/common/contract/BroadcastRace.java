package lockfree.common.contract;

/**
 * The state of the stages' jcstress race between two logins and a broadcast walk
 * (Stage0_05_SnapshotBroadcast, Stage2_03_WeakBroadcast): user E is online throughout; L and H
 * have completed their handshakes, and then, at once, L logs in and after it H
 * ({@link #loginLThenH}), while a broadcast walks every bound user ({@link #broadcast}). Each
 * stage's test keeps its outcomes (whether the walk may see H without L, who logged in first)
 * and names its manager and the three users (a sharded stage picks them by shard).
 */
public final class BroadcastRace {
    private final SessionManager manager;
    private final long l;
    private final long h;
    private final Session sessionOfL;
    private final Session sessionOfH;

    public BroadcastRace(SessionManager manager, long l, long h, long e) {
        this.manager = manager;
        this.l = l;
        this.h = h;
        sessionOfL = Session.detached(1, l);
        sessionOfH = Session.detached(2, h);
        Session sessionOfE = Session.detached(3, e);
        manager.add(sessionOfE);
        manager.bind(sessionOfE);
        manager.add(sessionOfL);
        manager.add(sessionOfH);
    }

    public void loginLThenH() {
        manager.bind(sessionOfL);
        manager.bind(sessionOfH);
    }

    /** How many times one walk visited L, H and E, in that order. */
    public int[] broadcast() {
        int[] seen = new int[3];
        manager.forEachUser(s -> {
            long uid = s.userId();
            seen[uid == l ? 0 : uid == h ? 1 : 2]++;
        });
        return seen;
    }
}
