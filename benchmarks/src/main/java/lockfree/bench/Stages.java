package lockfree.bench;

import lockfree.common.contract.Stage;
import lockfree.stage0.Stage0Main;
import lockfree.stage1.Stage1Main;
import lockfree.stage2.Stage2Main;
import lockfree.stage3.Stage3Main;

import java.util.List;

/** The four stages by the short names the benchmarks use as a parameter: stage0 ... stage3. */
final class Stages {
    /** In tutorial order; index = stage number. Stage 2 with its default 32 shards. */
    static final List<Stage> ALL = List.of(Stage0Main.STAGE, Stage1Main.STAGE, Stage2Main.STAGE, Stage3Main.STAGE);

    private Stages() {
    }

    static Stage byName(String shortName) {
        if (shortName.length() == 6 && shortName.startsWith("stage")) {
            int n = shortName.charAt(5) - '0';
            if (n >= 0 && n < ALL.size()) {
                return ALL.get(n);
            }
        }
        throw new IllegalArgumentException("no stage called " + shortName + "; use stage0 ... stage3");
    }
}
