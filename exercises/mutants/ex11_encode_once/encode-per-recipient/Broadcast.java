package lockfree.exercises.ex11_encode_once;

import io.netty.buffer.ByteBuf;
import lockfree.common.SendQueue;

import java.util.List;
import java.util.function.Function;

/*
 * Wrong solution: encodes the text again for every recipient
 * Rejected by: BroadcastTest.everyRecipientGetsTheSameBytesFromOneEncoding
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
                ByteBuf duplicate = encoder.apply(text);
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
            encoded.release(); // our own reference; the duplicates handed out keep the bytes alive
        }
        return accepted;
    }
}
