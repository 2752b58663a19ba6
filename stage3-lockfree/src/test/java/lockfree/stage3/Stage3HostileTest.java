package lockfree.stage3;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HostileClientSuite;

/** The hostile-client suite, and this stage alone runs its child-JVM cases (the transport is common's). */
class Stage3HostileTest extends HostileClientSuite {
    @Override
    protected Stage stage() {
        return Stage3Main.STAGE;
    }

    @Override
    protected Class<?> smallHeapMain() {
        return Stage3Main.class;
    }
}
