package lockfree.exercises.ex11_encode_once;

import lockfree.common.contract.SendQueue;

import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.function.Function;

/**
 * Exercise 11: encode a broadcast once, share the bytes, and leak nothing.
 *
 * <p>A broadcast to 10,000 users that encodes the frame 10,000 times spends most of its time in
 * the JSON encoder and the allocator. Encode once into a {@link ByteBuf} and give every recipient
 * a {@code retainedDuplicate()}: a view of the same bytes with its own reader index (so one
 * connection's write does not move another's position) that adds one to the shared reference
 * count. Each connection releases its duplicate once written; the memory goes back when the count
 * reaches zero.
 *
 * <p>Ownership decides who releases what:
 * <ul>
 *   <li>you own the buffer the encoder returns (count 1): release it once you are done, also
 *       when an offer throws;</li>
 *   <li>an offer that returns true takes its duplicate over (the queue's drain releases it);</li>
 *   <li>an offer that returns false, or throws, leaves the duplicate with you: release it.</li>
 * </ul>
 * With no recipients, do not encode at all. Netty's leak detector runs in these tests: a buffer
 * garbage-collected unreleased fails them, as does a count that does not reach zero.
 *
 * <p>Run: {@code ./exercises.sh run 11}
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * Encodes {@code text} once and offers a retained duplicate of it to every queue.
     *
     * @return how many queues accepted it
     */
    public static int send(String text, Function<String, ByteBuf> encoder, List<SendQueue<ByteBuf>> queues) {
        throw new UnsupportedOperationException("TODO: encode once, offer encoded.retainedDuplicate() to each queue,"
                + " release a duplicate that was refused, and release the encoded buffer at the end (in finally)");
    }
}
