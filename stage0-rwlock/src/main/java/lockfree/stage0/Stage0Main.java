package lockfree.stage0;

import lockfree.common.cli.GatewayMain;
import lockfree.common.contract.Stage;

/** Stage 0: the plan's starting point. Everything but the two classes named here is common. */
public final class Stage0Main {
    public static final Stage STAGE = new Stage("stage0-rwlock",
            "two HashMaps under one ReentrantReadWriteLock; ArrayBlockingQueue send queues",
            RwLockSessionManager::new, LockedSendQueue::new);

    private Stage0Main() {
    }

    public static void main(String[] args) {
        System.exit(GatewayMain.run(STAGE, args));
    }
}
