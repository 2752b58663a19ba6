package lockfree.exercises.ex11_encode_once;

import io.netty.buffer.ByteBuf;
import lockfree.common.SendQueue;

import java.util.List;
import java.util.function.Function;

/*
 * Wrong solution: never releases the encoded buffer: the own reference of the broadcaster keeps the bytes alive forever
 * Rejected by: BroadcastTest.everyRecipientGetsTheSameBytesFromOneEncoding, BroadcastTest.aFullQueueGetsNothingAndKeepsNothing
 */
public final class Broadcast {
    private Broadcast() {
    }

    public static int send(String text, Function<String, ByteBuf> encoder, List<SendQueue<ByteBuf>> queues) {
        if (queues.isEmpty()) {
            return 0;
        }
        ByteBuf encoded = encoder.apply(text);
        int accepted = 0;
        try {
            for (SendQueue<ByteBuf> queue : queues) {
                // +1 on the shared count: this duplicate keeps the bytes alive on its own.
                ByteBuf duplicate = encoded.retainedDuplicate();
                boolean taken = false;
                try {
                    taken = queue.offer(duplicate);
                } finally {
                    if (!taken) {
                        duplicate.release(); // refused or threw: still ours
                    }
                }
                if (taken) {
                    accepted++;
                }
            }
        } finally {
            // the duplicates hold the bytes
        }
        return accepted;
    }
}
