package lockfree.stress;

import java.util.ArrayList;
import java.util.List;

/**
 * What one column of a run measures: a stage's gateway jar, the limit server
 * ({@link LimitServer}), the least work that delivers the same messages, or a peer: the same
 * protocol on a popular library ({@link Peer}), what a user would otherwise run. Each is measured
 * the same way in the same run.
 */
sealed interface Target permits Target.Stage, Target.Limit, Target.Peer {

    /** {@code stageN-*}'s gateway jar. */
    record Stage(int number) implements Target {
        public Stage {
            if (number < 0 || number > 3) {
                throw new IllegalArgumentException("STAGE must be 0..3, limit, ws, vertx, a list like 0,3,limit,ws,vertx, or all; got " + number);
            }
        }
    }

    /** The limit server, in its own JVM like the gateways. */
    record Limit() implements Target {
    }

    Limit LIMIT = new Limit();

    /**
     * A peer (docs/STRESS.md, "Two peers"): the scenarios' part of the protocol written on a popular
     * library, in a process of its own. Not a gateway: no gateway flags, no router.
     */
    enum Peer implements Target {
        /** Node.js and the ws package, one process: {@code stress/peers/ws/server.js}. */
        WS("ws"),
        /** Vert.x, its own JVM: {@code stress-peer-vertx/target/stress-peer-vertx.jar}. */
        VERTX("vertx");

        private final String label;

        Peer(String label) {
            this.label = label;
        }

        /** The name on the command line and the column's name in reports and JSON. */
        String label() {
            return label;
        }
    }

    /** The column name the limit gets in reports and JSON. */
    String LIMIT_NAME = "limit";

    /**
     * "all" (the four stages, then the limit), one target "2", "limit", "ws" or "vertx", or a list
     * "0,3,limit,ws,vertx". With {@code router}, "all" leaves the limit out: it has no router to
     * join. "all" leaves the peers out: they are run by name (the ws peer needs Node.js).
     */
    static List<Target> parse(String text, boolean router) {
        if (text.trim().equalsIgnoreCase("all")) {
            List<Target> all = new ArrayList<>(List.of(new Stage(0), new Stage(1), new Stage(2), new Stage(3)));
            if (!router) {
                all.add(LIMIT);
            }
            return all;
        }
        List<Target> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String t = s.trim();
            if (t.equalsIgnoreCase(LIMIT_NAME)) {
                out.add(LIMIT);
                continue;
            }
            Peer peer = java.util.Arrays.stream(Peer.values()).filter(p -> p.label.equalsIgnoreCase(t)).findFirst().orElse(null);
            if (peer != null) {
                out.add(peer);
                continue;
            }
            try {
                out.add(new Stage(Integer.parseInt(t)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("STAGE must be 0..3, limit, ws, vertx, a list like 0,3,limit,ws,vertx, or all; got '" + text + "'");
            }
        }
        return out;
    }
}
