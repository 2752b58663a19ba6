package lockfree.stage1;

import lockfree.common.cli.GatewayMain;
import lockfree.common.contract.Stage;

/** Runs the gateway with stage 1's session manager and send queue; flags as for every stage. */
public final class Stage1Main {
    public static final Stage STAGE = new Stage("stage1-concurrentmap",
            "two ConcurrentHashMaps, LinkedBlockingQueue send queues",
            ConcurrentMapSessionManager::new, LinkedSendQueue::new);

    private Stage1Main() {
    }

    public static void main(String[] args) {
        System.exit(GatewayMain.run(STAGE, args));
    }
}
