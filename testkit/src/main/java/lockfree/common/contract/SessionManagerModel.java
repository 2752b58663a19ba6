package lockfree.common.contract;

import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A {@link SessionManager} under Lincheck's model checker: every interleaving of a few operations
 * on a tiny world, each compared with {@link Spec}, the sequential specification written from
 * {@code SessionManager}'s javadoc and nothing else.
 *
 * <p>The world: users 1 and 2; sessions 1 and 2 belong to user 1 (session 2 is the re-login that
 * kicks session 1), session 3 to user 2. All three are added before the scenario starts, as the
 * gateway adds a connection at its handshake, long before any login.
 *
 * <p>What is checked, and what is not (the javadoc's words):
 * <ul>
 *   <li>{@code bind}, {@code remove} and {@code getByUserId} are linearizable together: the user
 *       view. The random scenarios use only these.</li>
 *   <li>A session's own {@code bind} and {@code remove} come from one thread in the random
 *       scenarios (each session's operations are one non-parallel group), as in the gateway,
 *       where both run on the connection's event loop. Stages that promise more (stages 0-2:
 *       a session's own calls racing each other are linearizable too) also get the fixed
 *       scenarios {@link Race#BIND_RACES_OWN_REMOVE}, {@link Race#READ_AFTER_OWN_REMOVE_DURING_BIND}
 *       and {@link Race#TWO_BINDS_OF_ONE_SESSION}.</li>
 *   <li>Each session is bound at most once per random scenario ({@code runOnce}), as in the
 *       gateway; the repeated bind is a case of {@code SessionManagerContract}, and two binds of
 *       one session at once the fixed scenario {@link Race#TWO_BINDS_OF_ONE_SESSION}.</li>
 *   <li>{@code get} is linearizable with {@code remove} on its own (the registry view), not
 *       together with the user view: for a moment during {@code remove} stages 1-3 answer
 *       {@code get} with null and {@code getByUserId} with the session. The fixed scenario
 *       {@link Race#REGISTRY_VIEW} checks it alone.</li>
 *   <li>{@code forEachUser} is weakly consistent, not linearizable; {@link #usersVisited()} is
 *       used only in fixed scenarios in which one user is touched, where the promise ("a user
 *       bound throughout is visited, none twice") and the specification coincide.</li>
 *   <li>{@code size} and {@code userCount} are exact only at quiet points; they are not
 *       operations here (the JUnit contract checks them after the threads have joined).</li>
 * </ul>
 *
 * <p>Lincheck builds a new instance of this class for every run and calls no other constructor,
 * so the manager under test comes from {@link #check}'s factory through a static field; checks
 * are serialized on {@link #LOCK}.
 */
@Param(name = "user", gen = IntGen.class, conf = "1:2")
public final class SessionManagerModel {
    private static final Object LOCK = new Object();
    private static volatile Supplier<? extends SessionManager> factory;

    private final SessionManager manager;
    private final Session[] sessions = {
            null, Session.detached(1, 1), Session.detached(2, 1), Session.detached(3, 2)};

    public SessionManagerModel() {
        manager = factory.get();
        for (int i = 1; i < sessions.length; i++) {
            manager.add(sessions[i]);
        }
    }

    /** Named races, explored in every run rather than found by luck. */
    public enum Race {
        /**
         * User 1 re-logs in (bind 2, then the old connection's remove 1) while a reader looks
         * user 1 up. User 1 is bound throughout, to session 1 and then 2: the reader must get one
         * of them, never null.
         */
        LOOKUP_DURING_RELOGIN(true),
        /** The same re-login during a broadcast walk: user 1 must be visited (once). */
        WALK_DURING_RELOGIN(true),
        /**
         * bind 2 displaces the live session 1; a reader sees session 2 bound and then session 1 is
         * removed. bind must still hand back session 1 to be kicked: it was live when displaced.
         */
        KICK_OF_A_SESSION_REMOVED_AFTERWARDS(true),
        /** The old connection's close races the re-login: user 1 must end bound to session 2. */
        CONDITIONAL_REMOVE(true),
        /** Two logins of user 1 at once: one displaces nobody, the other kicks the first. */
        TWO_LOGINS_OF_ONE_USER(true),
        /** remove and get on their own: a removed session is not found again. */
        REGISTRY_VIEW(true),
        /**
         * A session's login and its own close at the same instant (bind 1 races remove 1, while
         * user 1 is bound to session 2 and a reader looks on). Either order is allowed, but the
         * closed session must not stay bound (no resurrection), and a login that the close
         * preceded must not kick session 2.
         */
        BIND_RACES_OWN_REMOVE(false),
        /**
         * A session's login and its own close at once, user 1 bound to nobody before, and a reader
         * on the closing thread after the close returned. Either order is allowed, and in both the
         * reader finds nobody: the closed session is not the user's once its remove returned.
         */
        READ_AFTER_OWN_REMOVE_DURING_BIND(false),
        /**
         * Two binds of one session at once (a second login on one connection), and a reader on the
         * second binder's thread after that bind returned. One bind binds and displaces nobody, the
         * other changes nothing; whichever came second, the reader after it finds session 1 bound.
         */
        TWO_BINDS_OF_ONE_SESSION(false);

        /** False: run only for stages whose javadoc promises it (see {@link #check}). */
        final boolean everyStage;

        Race(boolean everyStage) {
            this.everyStage = everyStage;
        }
    }

    private static ExecutionScenario scenario(Race race) {
        Scenario s = new Scenario(SessionManagerModel.class);
        switch (race) {
            case LOOKUP_DURING_RELOGIN -> s.init("bind1").thread("getByUserId", 1).thread("bind2", "remove1");
            case WALK_DURING_RELOGIN -> s.init("bind1").thread("usersVisited").thread("bind2", "remove1");
            case KICK_OF_A_SESSION_REMOVED_AFTERWARDS ->
                    s.init("bind1").thread("bind2").thread("getByUserId", 1, "remove1");
            case CONDITIONAL_REMOVE -> s.init("bind1").thread("bind2").thread("remove1").post("getByUserId", 1);
            case TWO_LOGINS_OF_ONE_USER -> s.thread("bind1").thread("bind2").post("getByUserId", 1);
            case REGISTRY_VIEW -> s.init("bind1").thread("remove1", "get", 2).thread("get", 1, "remove2")
                    .post("get", 1).post("get", 2);
            case BIND_RACES_OWN_REMOVE -> s.init("bind2").thread("bind1").thread("remove1", "getByUserId", 1)
                    .post("getByUserId", 1);
            case READ_AFTER_OWN_REMOVE_DURING_BIND -> s.thread("bind1").thread("remove1", "getByUserId", 1)
                    .post("getByUserId", 1);
            case TWO_BINDS_OF_ONE_SESSION -> s.thread("bind1").thread("bind1", "getByUserId", 1)
                    .post("getByUserId", 1);
        }
        return s.build();
    }

    /**
     * Model-checks the managers {@code newManager} builds: the fixed races first, then random
     * scenarios. Throws Lincheck's error, with the failing interleaving drawn step by step.
     *
     * @param ownRemoveMayRaceBind whether the stage promises linearizability when a session's own
     *                             calls race each other: its bind and its remove, or two binds of
     *                             it (stages 0-2 do, stage 3 not)
     */
    public static void check(Supplier<? extends SessionManager> newManager, boolean ownRemoveMayRaceBind) {
        ModelCheckingOptions options = ModelBudget.options(Spec.class, ModelBudget.ITERATIONS);
        for (Race race : Race.values()) {
            if (race.everyStage || ownRemoveMayRaceBind) {
                options.addCustomScenario(scenario(race));
            }
        }
        run(newManager, options);
    }

    /** Only the fixed scenarios of {@code races}: what the broken variants' teeth test runs first. */
    public static void checkRaces(Supplier<? extends SessionManager> newManager, List<Race> races) {
        ModelCheckingOptions options = ModelBudget.options(Spec.class, 0);
        races.forEach(r -> options.addCustomScenario(scenario(r)));
        run(newManager, options);
    }

    private static void run(Supplier<? extends SessionManager> newManager, ModelCheckingOptions options) {
        synchronized (LOCK) {
            factory = newManager;
            try {
                options.check(SessionManagerModel.class);
            } finally {
                factory = null;
            }
        }
    }

    private static long id(Session s) {
        return s == null ? 0 : s.id();
    }

    private long bind(int i) {
        return id(manager.bind(sessions[i]));
    }

    // ---- the user view: random scenarios ---------------------------------------------------

    @Operation(runOnce = true, nonParallelGroup = "session1")
    public long bind1() {
        return bind(1);
    }

    @Operation(runOnce = true, nonParallelGroup = "session2")
    public long bind2() {
        return bind(2);
    }

    @Operation(runOnce = true, nonParallelGroup = "session3")
    public long bind3() {
        return bind(3);
    }

    @Operation(nonParallelGroup = "session1")
    public boolean remove1() {
        return manager.remove(sessions[1]);
    }

    @Operation(nonParallelGroup = "session2")
    public boolean remove2() {
        return manager.remove(sessions[2]);
    }

    @Operation(nonParallelGroup = "session3")
    public boolean remove3() {
        return manager.remove(sessions[3]);
    }

    @Operation
    public long getByUserId(@Param(name = "user") int user) {
        return id(manager.getByUserId(user));
    }

    // ---- fixed scenarios only ---------------------------------------------------------------

    /** The ids of the users the walk visited, in order of id; a user visited twice shows twice. */
    public String usersVisited() {
        List<Long> users = new ArrayList<>();
        manager.forEachUser(s -> users.add(s.userId()));
        users.sort(null);
        return users.toString();
    }

    public long get(int session) {
        return id(manager.get(session));
    }

    /**
     * The sequential specification: what {@code SessionManager}'s javadoc says each method does
     * when calls come one at a time. Session i belongs to user {@code USER[i]}.
     */
    public static final class Spec {
        private static final int[] USER = {0, 1, 1, 2};

        private final boolean[] registered = {false, true, true, true};
        /** User -&gt; index of the session bound to them, 0 for none. */
        private final int[] boundTo = new int[3];

        private long bind(int i) {
            int user = USER[i];
            int previous = boundTo[user];
            if (!registered[i] || previous == i) {
                // Removed: binds nothing, displaces nobody. Already bound: changes nothing, and a
                // session never displaces (kicks) itself.
                return 0;
            }
            boundTo[user] = i;
            return previous;
        }

        private boolean remove(int i) {
            if (!registered[i]) {
                return false;
            }
            registered[i] = false;
            if (boundTo[USER[i]] == i) {
                boundTo[USER[i]] = 0; // conditional: a newer login of the user stays bound
            }
            return true;
        }

        public long bind1() {
            return bind(1);
        }

        public long bind2() {
            return bind(2);
        }

        public long bind3() {
            return bind(3);
        }

        public boolean remove1() {
            return remove(1);
        }

        public boolean remove2() {
            return remove(2);
        }

        public boolean remove3() {
            return remove(3);
        }

        public long getByUserId(int user) {
            return boundTo[user];
        }

        public String usersVisited() {
            TreeSet<Long> users = new TreeSet<>();
            for (long u = 1; u < boundTo.length; u++) {
                if (boundTo[(int) u] != 0) {
                    users.add(u);
                }
            }
            return new ArrayList<>(users).toString();
        }

        public long get(int session) {
            return registered[session] ? session : 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Spec other && Arrays.equals(registered, other.registered)
                    && Arrays.equals(boundTo, other.boundTo);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(registered) + Arrays.hashCode(boundTo);
        }
    }
}
