package lockfree.common.contract;

/**
 * The state of the stages' jcstress race between a close and a reader of both maps
 * (Stage0_03_TwoMapsAgree, Stage1_04_TwoMapWindow): session 1 of user 7 is added and bound; then,
 * at once, its connection closes ({@link #close}) and a reader looks it up by session id, then by
 * user id ({@link #foundById}, {@link #foundByUser}, in that order). Each stage's test keeps its
 * outcomes (whether "gone by id, still bound by user" may be seen) and names its manager.
 */
public final class TwoMapsRace {
    private static final long SESSION = 1;
    private static final long USER = 7;

    private final SessionManager manager;
    private final Session session = Session.detached(SESSION, USER);

    public TwoMapsRace(SessionManager manager) {
        this.manager = manager;
        manager.add(session);
        manager.bind(session);
    }

    public void close() {
        manager.remove(session);
    }

    /** 1 if the session is found by its id, else 0. */
    public int foundById() {
        return manager.get(SESSION) != null ? 1 : 0;
    }

    /** 1 if user 7 is bound to someone, else 0. */
    public int foundByUser() {
        return manager.getByUserId(USER) != null ? 1 : 0;
    }
}
