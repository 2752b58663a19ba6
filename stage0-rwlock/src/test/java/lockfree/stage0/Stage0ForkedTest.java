package lockfree.stage0;

import lockfree.common.e2e.ForkedGatewaySuite;

class Stage0ForkedTest extends ForkedGatewaySuite {
    @Override
    protected Class<?> mainClass() {
        return Stage0Main.class;
    }
}
