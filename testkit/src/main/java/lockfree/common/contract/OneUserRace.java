package lockfree.common.contract;

import org.openjdk.jcstress.annotations.Outcome;

import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The state of the stages' jcstress races around one user's sessions: user 7 is online on
 * connection A, and then, at once, what the test races: two more logins on B and C
 * ({@link #loginB}, {@link #loginC}: Stage0_02_ReLoginKick, Stage1_02_ReLoginKick,
 * Stage2_01_CrossShardKick), or a login on B and A's late close ({@link #loginB},
 * {@link #closeA}: Stage0_01_ConditionalRemove, Stage1_03_ConditionalRemove). The arbiter asks
 * who the user is bound to at the end ({@link #bound}).
 *
 * <p>Every answer is a session coded as a number: 0 = nobody, 1 = A, 2 = B, 3 = C. Each stage's
 * test keeps its outcomes and names what it runs: its own manager ({@link #on}), or a minimal
 * model of a broken step over the stage's map. (jcstress takes no {@code @Actor} from a
 * superclass, so each test class keeps one-line actors that call these.) The re-login tests also
 * share the outcomes every variant agrees on: {@link ReLoginOutcomes}.
 */
public final class OneUserRace {
    public static final long USER = 7;

    private final UnaryOperator<Session> bind;
    private final Consumer<Session> remove;
    private final LongFunction<Session> boundTo;
    private final Session[] sessions;

    /**
     * Over a minimal model, sessions 1, 2 and 3: {@code bind} installs a session and returns the
     * one it displaced, {@code remove} is a session's close, {@code boundTo} answers who a user is
     * bound to. A is bound before the race.
     */
    public OneUserRace(UnaryOperator<Session> bind, Consumer<Session> remove, LongFunction<Session> boundTo) {
        this(bind, remove, boundTo, s -> { }, 1, 2, 3);
    }

    /** Over a minimal model of bind alone: a race with no close in it. */
    public OneUserRace(UnaryOperator<Session> bind, LongFunction<Session> boundTo) {
        this(bind, s -> {
            throw new UnsupportedOperationException("this model has no close");
        }, boundTo);
    }

    private OneUserRace(UnaryOperator<Session> bind, Consumer<Session> remove, LongFunction<Session> boundTo,
                        Consumer<Session> add, long... ids) {
        this.bind = bind;
        this.remove = remove;
        this.boundTo = boundTo;
        sessions = new Session[ids.length];
        for (int i = 0; i < ids.length; i++) {
            sessions[i] = Session.detached(ids[i], USER);
        }
        add.accept(sessions[0]);
        bind.apply(sessions[0]);
        for (int i = 1; i < ids.length; i++) {
            add.accept(sessions[i]);
        }
    }

    /**
     * Over a stage's manager: A is added and bound, then the others are added (their handshakes
     * are done; their logins are what races). The ids are A's, B's and C's if given: a sharded
     * stage picks them by shard, and the answers still code the sessions as 1, 2, 3.
     */
    public static OneUserRace on(SessionManager manager, long a, long b, long... c) {
        long[] ids = new long[2 + c.length];
        ids[0] = a;
        ids[1] = b;
        System.arraycopy(c, 0, ids, 2, c.length);
        return new OneUserRace(manager::bind, manager::remove, manager::getByUserId, manager::add, ids);
    }

    /** The login on B: the session it displaced. */
    public int loginB() {
        return code(bind.apply(sessions[1]));
    }

    /** The login on C: the session it displaced. */
    public int loginC() {
        return code(bind.apply(sessions[2]));
    }

    /** A's connection closes (late: the user may have logged in again on B). */
    public void closeA() {
        remove.accept(sessions[0]);
    }

    /** Who user 7 is bound to (the arbiter, after the actors). */
    public int bound() {
        return code(boundTo.apply(USER));
    }

    private int code(Session s) {
        for (int i = 0; s != null && i < sessions.length; i++) {
            if (s == sessions[i]) {
                return i + 1;
            }
        }
        return s == null ? 0 : -1;
    }

    /**
     * The outcomes of the re-login race (result: r1 = the session bind(B) displaced, r2 = the one
     * bind(C) displaced, r3 = who user 7 is bound to at the end) that every variant agrees on: the
     * two orders of the logins, each kicking what it replaced, and nothing else. A test class
     * extends this and adds, with one {@code @Outcome} of its own, its verdict on "both logins
     * displaced A" ("1, 1, 2" and "1, 1, 3"): what a broken variant is built to show, or what the
     * stage's manager must never do, in its chapter's words.
     *
     * <p>jcstress reads a test's {@code @Outcome}s as Java presents them: {@code @Outcome} is
     * {@code @Inherited}, and so is the container that holds several. A class with one
     * {@code @Outcome} of its own therefore keeps these three as well; a class that declared two
     * or more would have a container of its own, which replaces this one, and would have to list
     * every outcome again. (The docs' table of each run reads the outcomes the same way.)
     */
    @Outcome(id = "1, 2, 3", expect = ACCEPTABLE, desc = "B first (kicks A), then C (kicks B); C bound.")
    @Outcome(id = "3, 1, 2", expect = ACCEPTABLE, desc = "C first (kicks A), then B (kicks C); B bound.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    public abstract static class ReLoginOutcomes {
    }
}
