package lockfree.exercises.ex11_encode_once;

import lockfree.common.contract.SendQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BroadcastTest {
    /* Every buffer the encoder made, so each test can check its count at the end. */
    private final List<ByteBuf> encoded = new ArrayList<>();
    private final Function<String, ByteBuf> encoder = text -> {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        encoded.add(buf);
        return buf;
    };

    @AfterEach
    void releaseWhatATestLeftBehind() {
        // A failed test may leave counts above zero; drop them so the leak detector reports only
        // the test that leaked, not every test after it.
        for (ByteBuf b : encoded) {
            try {
                if (b.refCnt() > 0) {
                    b.release(b.refCnt());
                }
            } catch (RuntimeException alreadyFreed) {
                // a wrong solution's duplicate released it first
            }
        }
    }

    @Test
    void everyRecipientGetsTheSameBytesFromOneEncoding() {
        List<Recipient> to = List.of(new Recipient(10), new Recipient(10), new Recipient(10));

        assertEquals(3, Broadcast.send("hello", encoder, queues(to)));

        assertEquals(1, encoded.size(), "the text must be encoded once for all recipients");
        ByteBuf original = encoded.get(0);
        assertEquals(3, original.refCnt(), "one reference per recipient, the broadcaster's own released");
        for (Recipient r : to) {
            assertEquals(1, r.received.size());
            assertSame(original, unwrapped(r.received.get(0)),
                    "a duplicate shares the encoded bytes instead of copying them");
        }
        // Each duplicate has its own reader index: reading one does not move the others.
        assertEquals("hello", to.get(0).received.get(0).toString(StandardCharsets.UTF_8));
        to.get(0).received.get(0).skipBytes(5);
        assertEquals("hello", to.get(1).received.get(0).toString(StandardCharsets.UTF_8));

        to.forEach(Recipient::writeAndRelease);
        assertEquals(0, original.refCnt(), "after every connection released its duplicate the bytes are free");
    }

    @Test
    void aFullQueueGetsNothingAndKeepsNothing() {
        Recipient ok = new Recipient(10);
        Recipient full = new Recipient(0);

        assertEquals(1, Broadcast.send("hello", encoder, queues(List.of(ok, full))));

        assertEquals(1, encoded.get(0).refCnt(), "the refused duplicate must be released");
        ok.writeAndRelease();
        assertEquals(0, encoded.get(0).refCnt());
    }

    /**
     * The first queue is full. Every other recipient still gets its copy: the broadcaster's own
     * reference keeps the bytes alive until the loop is done, whatever any queue does with what
     * it is offered. Handing the encoded buffer itself to the first queue gives that reference
     * away; refused and released, the count is 0 and the next duplicate cannot be made.
     */
    @Test
    void aFullQueueFirstStillLeavesTheOthersTheirCopy() {
        Recipient full = new Recipient(0);
        Recipient ok = new Recipient(10);

        assertEquals(1, Broadcast.send("hello", encoder, queues(List.of(full, ok))));

        assertEquals("hello", ok.received.get(0).toString(StandardCharsets.UTF_8));
        assertEquals(1, encoded.get(0).refCnt(), "one reference left: the accepted duplicate's");
        ok.writeAndRelease();
        assertEquals(0, encoded.get(0).refCnt());
    }

    /**
     * With a pooled allocator (the gateway's), a retained duplicate has a reference count of its
     * own, which holds one count of the encoded buffer. A refused duplicate must be released
     * itself: releasing the encoded buffer in its place leaves the duplicate at 1, a leak, and
     * the encoded buffer freed under it.
     */
    @Test
    void aRefusedPooledDuplicateIsReleasedItself() {
        List<ByteBuf> refused = new ArrayList<>();
        Recipient full = new Recipient(0) {
            @Override
            public boolean offer(ByteBuf message) {
                refused.add(message);
                return false;
            }
        };
        Function<String, ByteBuf> pooled = text -> {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer();
            buf.writeCharSequence(text, StandardCharsets.UTF_8);
            encoded.add(buf);
            return buf;
        };
        try {
            assertEquals(0, Broadcast.send("hello", pooled, List.of(full)));

            assertEquals(1, refused.size());
            assertEquals(0, refused.get(0).refCnt(), "the refused duplicate must be released itself (release() on it)");
            assertEquals(0, encoded.get(0).refCnt(), "nobody took it, so the encoded bytes are free");
        } finally {
            for (ByteBuf b : refused) {
                try {
                    if (b.refCnt() > 0) {
                        b.release(b.refCnt());
                    }
                } catch (RuntimeException alreadyFreed) {
                    // a wrong solution freed what the duplicate points at: nothing more to give back
                }
            }
        }
    }

    @Test
    void aQueueThatThrowsLeaksNothing() {
        Recipient ok = new Recipient(10);
        SendQueue<ByteBuf> broken = new Recipient(10) {
            @Override
            public boolean offer(ByteBuf message) {
                throw new IllegalStateException("queue exploded");
            }
        };
        List<SendQueue<ByteBuf>> queues = List.of(ok, broken);

        assertThrows(IllegalStateException.class, () -> Broadcast.send("hello", encoder, queues));

        assertEquals(1, encoded.get(0).refCnt(), "only the accepted duplicate may hold the bytes");
        ok.writeAndRelease();
        assertEquals(0, encoded.get(0).refCnt());
    }

    @Test
    void noRecipientsNoEncoding() {
        assertEquals(0, Broadcast.send("hello", encoder, List.of()));
        assertEquals(0, encoded.size(), "nothing to send, nothing to encode");
    }

    private static ByteBuf unwrapped(ByteBuf b) {
        return b.unwrap() == null ? b : b.unwrap();
    }

    private static List<SendQueue<ByteBuf>> queues(List<Recipient> recipients) {
        return new ArrayList<>(recipients);
    }

    /** A connection's send queue: takes up to {@code capacity} frames and keeps them. */
    private static class Recipient implements SendQueue<ByteBuf> {
        private final int capacity;
        final List<ByteBuf> received = new ArrayList<>();

        Recipient(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(ByteBuf message) {
            if (received.size() >= capacity) {
                return false;
            }
            received.add(message);
            return true;
        }

        @Override
        public void scheduleDrain() {
        }

        @Override
        public int size() {
            return received.size();
        }

        /** What the drain does: the channel writes the frame and releases it. */
        void writeAndRelease() {
            received.forEach(ByteBuf::release);
            received.clear();
        }
    }
}
