package lockfree.stage2;

import lockfree.common.e2e.ForkedGatewaySuite;

/** Stage 2's real main in a child JVM: command line, SIGTERM, the open-files wall. */
class Stage2ForkedTest extends ForkedGatewaySuite {
    @Override
    protected Class<?> mainClass() {
        return Stage2Main.class;
    }
}
