package lockfree.stage3;

import lockfree.common.cli.GatewayMain;
import lockfree.common.contract.Stage;

/** Stage 3's gateway: common's gateway with this stage's session manager and send queue. */
public final class Stage3Main {
    public static final Stage STAGE = new Stage("stage3-lockfree",
            "NonBlockingHashMapLong and a CAS lifecycle per session; MPSC send queue, counter-guarded drain",
            LockFreeSessionManager::new, MpscSendQueue::new);

    private Stage3Main() {
    }

    public static void main(String[] args) {
        System.exit(GatewayMain.run(STAGE, args));
    }
}
