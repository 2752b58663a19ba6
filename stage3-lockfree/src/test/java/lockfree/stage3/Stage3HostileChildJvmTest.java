package lockfree.stage3;

import lockfree.common.e2e.HostileChildJvmSuite;

/** The hostile cases that need a gateway JVM of their own; this stage alone runs them (the transport is common's). */
class Stage3HostileChildJvmTest extends HostileChildJvmSuite {
    @Override
    protected Class<?> mainClass() {
        return Stage3Main.class;
    }
}
