package lockfree.exercises.ex11_encode_once;

import lockfree.common.contract.SendQueue;

import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.function.Function;

/**
 * Reference solution of exercise 11: one encoding, one retained duplicate per recipient.
 * No stage has this class: every stage delivers through common's LocalDelivery, which shares one
 * buffer the same way beside its metrics and slow-consumer rules; the exercise is the reference
 * counting alone.
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
            encoded.release(); // our own reference; the duplicates handed out keep the bytes alive
        }
        return accepted;
    }
}
