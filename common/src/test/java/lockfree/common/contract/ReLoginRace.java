package lockfree.common.contract;

import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * The state of the stages' re-login races under jcstress (Stage0_02_ReLoginKick,
 * Stage1_02_ReLoginKick, Stage2_01_CrossShardKick): user 7 is online on connection A; two more
 * logins of user 7, on B and C, arrive at once ({@link #loginB}, {@link #loginC}). The gateway's
 * rule is "the last login wins, every earlier session is kicked", so whatever the order, exactly
 * one of B and C stays bound ({@link #bound}) and each of A and the loser is displaced, hence
 * kicked, exactly once.
 *
 * <p>Every answer is a session coded as a number: 0 = nobody, 1 = A, 2 = B, 3 = C. Each stage's
 * test keeps its outcomes and names what it runs: its own manager ({@link #on}), or a minimal
 * model of a broken bind over the stage's map. (jcstress takes no {@code @Actor} from a
 * superclass, so each test class keeps one-line actors that call these.)
 */
public final class ReLoginRace {
    public static final long USER = 7;

    private final UnaryOperator<Session> bind;
    private final LongFunction<Session> boundTo;
    private final Session a;
    private final Session b;
    private final Session c;

    /**
     * Over a minimal model: {@code bind} installs a session and returns the one it displaced,
     * {@code boundTo} answers who a user is bound to. A (session 1) is bound before the race.
     */
    public ReLoginRace(UnaryOperator<Session> bind, LongFunction<Session> boundTo) {
        this(bind, boundTo, s -> { }, 1, 2, 3);
    }

    private ReLoginRace(UnaryOperator<Session> bind, LongFunction<Session> boundTo, Consumer<Session> add,
                        long a, long b, long c) {
        this.bind = bind;
        this.boundTo = boundTo;
        this.a = Session.detached(a, USER);
        this.b = Session.detached(b, USER);
        this.c = Session.detached(c, USER);
        add.accept(this.a);
        add.accept(this.b);
        add.accept(this.c);
        bind.apply(this.a);
    }

    /** Over a stage's manager, sessions 1, 2 and 3: all three added, A bound. */
    public static ReLoginRace on(SessionManager manager) {
        return on(manager, 1, 2, 3);
    }

    /**
     * The same with the given session ids (a sharded stage picks them by shard); the answers still
     * code A, B and C as 1, 2 and 3.
     */
    public static ReLoginRace on(SessionManager manager, long a, long b, long c) {
        return new ReLoginRace(manager::bind, manager::getByUserId, manager::add, a, b, c);
    }

    /** The login on B: the session it displaced. */
    public int loginB() {
        return code(bind.apply(b));
    }

    /** The login on C: the session it displaced. */
    public int loginC() {
        return code(bind.apply(c));
    }

    /** Who user 7 is bound to (the arbiter, after both logins). */
    public int bound() {
        return code(boundTo.apply(USER));
    }

    private int code(Session s) {
        return s == null ? 0 : s == a ? 1 : s == b ? 2 : s == c ? 3 : -1;
    }
}
