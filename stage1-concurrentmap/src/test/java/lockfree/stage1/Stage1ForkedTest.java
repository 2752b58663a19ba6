package lockfree.stage1;

import lockfree.common.e2e.ForkedGatewaySuite;

/** Stage 1's real main in a child JVM: command line, SIGTERM, the open-files wall. */
class Stage1ForkedTest extends ForkedGatewaySuite {
    @Override
    protected Class<?> mainClass() {
        return Stage1Main.class;
    }
}
