package lockfree.common.stress;

import java.util.ArrayList;
import java.util.List;

/**
 * What one column of a run measures: a stage's gateway jar, or the limit server
 * ({@link LimitServer}), the least work that delivers the same messages, measured in the same run.
 */
sealed interface Target permits Target.Stage, Target.Limit {

    /** {@code stageN-*}'s gateway jar. */
    record Stage(int number) implements Target {
        public Stage {
            if (number < 0 || number > 3) {
                throw new IllegalArgumentException("STAGE must be 0..3, limit, a list like 0,3,limit, or all; got " + number);
            }
        }
    }

    /** The limit server, in its own JVM like the gateways. */
    record Limit() implements Target {
    }

    Limit LIMIT = new Limit();

    /** The column name the limit gets in reports and JSON. */
    String LIMIT_NAME = "limit";

    /**
     * "all" (the four stages, then the limit), one target "2" or "limit", or a list "0,3,limit".
     * With {@code router}, "all" leaves the limit out: it has no router to join.
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
            try {
                out.add(new Stage(Integer.parseInt(t)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("STAGE must be 0..3, limit, a list like 0,3,limit, or all; got '" + text + "'");
            }
        }
        return out;
    }
}
