package lockfree.exercises.ex11_encode_once;

import io.netty.buffer.ByteBuf;
import lockfree.common.SendQueue;

import java.util.List;
import java.util.function.Function;

/*
 * Wrong solution: does not release the duplicate a full queue refused: its reference is never given back
 * Rejected by: BroadcastTest.aFullQueueGetsNothingAndKeepsNothing, BroadcastTest.aQueueThatThrowsLeaksNothing
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
                    // the duplicate was handed over
                }
                if (taken) {
                    accepted++;
                }
            }
        } finally {
            encoded.release(); // our own reference; the duplicates handed out keep the bytes alive
        }
        return accepted;
    }
}
