package lockfree.stage3;

import lockfree.common.e2e.ForkedGatewaySuite;

class Stage3ForkedTest extends ForkedGatewaySuite {
    @Override
    protected Class<?> mainClass() {
        return Stage3Main.class;
    }
}
