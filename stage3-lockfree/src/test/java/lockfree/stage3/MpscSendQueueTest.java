package lockfree.stage3;

import lockfree.common.contract.ManualEventLoop;
import lockfree.common.contract.Outbound;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WIP-counter drain of stage 3, step by step. */
class MpscSendQueueTest {

    /*
     * The missed wake-up this queue is built to avoid. The drain has written "a", polled again and
     * found the queue empty, and flushed. Before it gives back its signal, another producer offers
     * "late". That producer finds the counter non-zero, so it schedules nothing: it relies on the
     * drain's re-check. The flush hook is exactly that window, and the producer is a real second
     * thread.
     */
    @Test
    void anOfferBetweenQueueEmptyAndTheDecrementIsWrittenByTheRunningDrain() throws Exception {
        ManualEventLoop<String> out = new ManualEventLoop<>();
        MpscSendQueue<String> queue = new MpscSendQueue<>(16, out);
        AtomicBoolean lateOffered = new AtomicBoolean();
        out.onFlush = () -> {
            if (out.flushes == 1) {
                lateOffered.set(CompletableFuture.supplyAsync(() -> queue.offer("late")).join());
            }
        };

        assertTrue(queue.offer("a"));
        assertEquals(1, out.executeCalls(), "the first signal schedules the drain");
        assertEquals(1, out.runPending());

        assertTrue(lateOffered.get());
        assertEquals(List.of("a", "late"), out.written, "the re-check sent the drain round again");
        assertEquals(2, out.flushes, "one flush per batch");
        assertEquals(1, out.executeCalls(), "the late producer found a drain running and scheduled none");
        assertEquals(0, queue.pendingSignals(), "the drain gave back every signal before exiting");
        assertEquals(0, queue.size());
    }

    @Test
    void aSignalThatFindsZeroSchedulesAFreshDrain() {
        ManualEventLoop<String> out = new ManualEventLoop<>();
        MpscSendQueue<String> queue = new MpscSendQueue<>(16, out);

        queue.offer("a");
        out.runPending();
        queue.offer("b");

        assertEquals(2, out.executeCalls());
        assertEquals(1, out.runPending());
        assertEquals(List.of("a", "b"), out.written);
        assertEquals(0, queue.pendingSignals());
    }

    @Test
    void offersWhileADrainIsScheduledAreBatchedIntoOneWriteAndOneFlush() {
        ManualEventLoop<String> out = new ManualEventLoop<>();
        MpscSendQueue<String> queue = new MpscSendQueue<>(16, out);

        for (String m : List.of("a", "b", "c", "d")) {
            assertTrue(queue.offer(m));
        }
        assertEquals(1, out.executeCalls(), "only the 0 -> 1 signal schedules");
        assertEquals(4, queue.pendingSignals());

        out.runPending();
        assertEquals(List.of("a", "b", "c", "d"), out.written);
        assertEquals(1, out.flushes);
        assertEquals(0, queue.pendingSignals());
    }

    @Test
    void stopsWhileUnwritableAndResumesOnScheduleDrain() {
        ManualEventLoop<String> out = new ManualEventLoop<>();
        MpscSendQueue<String> queue = new MpscSendQueue<>(16, out);
        out.writable = false;

        queue.offer("a");
        queue.offer("b");
        out.runPending();
        assertEquals(List.of(), out.written);
        assertEquals(0, out.flushes, "nothing written, nothing to flush");
        assertEquals(2, queue.size(), "kept for later, not dropped");
        assertEquals(0, queue.pendingSignals(), "the drain exited: it does not spin on an unwritable channel");

        out.writable = true;
        queue.scheduleDrain();
        assertEquals(1, out.runPending());
        assertEquals(List.of("a", "b"), out.written);
        assertEquals(1, out.flushes);
    }

    @Test
    void aClosedOutboundGetsEverythingDiscardedIncludingLaterOffers() {
        ManualEventLoop<String> out = new ManualEventLoop<>();
        MpscSendQueue<String> queue = new MpscSendQueue<>(16, out);
        out.writable = false;
        queue.offer("a");
        queue.offer("b");
        out.runPending();

        out.open = false;
        queue.scheduleDrain(); // what the gateway does in channelInactive
        out.runPending();
        assertEquals(List.of("a", "b"), out.discarded);

        queue.offer("c");
        out.runPending();
        assertEquals(List.of("a", "b", "c"), out.discarded);
        assertEquals(List.of(), out.written);
        assertEquals(0, out.flushes);
    }

    @Test
    void powerOfTwoCapacitiesAreExact() {
        for (int capacity : new int[] {4, 16, 1024}) {
            ManualEventLoop<Integer> out = new ManualEventLoop<>();
            out.writable = false;
            MpscSendQueue<Integer> queue = new MpscSendQueue<>(capacity, out);
            for (int i = 0; i < capacity; i++) {
                assertTrue(queue.offer(i), "offer " + i + " of " + capacity);
            }
            assertFalse(queue.offer(capacity), "capacity " + capacity + " is full");
            assertEquals(capacity, queue.capacity());
            assertEquals(capacity, queue.size());
        }
    }

    @Test
    void otherCapacitiesRoundUpToAPowerOfTwoOfAtLeastFour() {
        assertEquals(1024, new MpscSendQueue<>(1000, new ManualEventLoop<>()).capacity());
        assertEquals(4, new MpscSendQueue<>(1, new ManualEventLoop<>()).capacity());
        assertEquals(32, new MpscSendQueue<>(17, new ManualEventLoop<>()).capacity());
        assertThrows(IllegalArgumentException.class, () -> new MpscSendQueue<>(0, new ManualEventLoop<>()));
    }

    /*
     * Real threads: two producers, drains on a two-thread pool (so overlapping drains would be
     * possible if the counter let two be scheduled), full queues retried. Every message arrives,
     * each producer's messages in order, and no two drains ever write at the same time.
     */
    @Test
    void concurrentProducersLoseNothingKeepOrderAndNeverOverlapDrains() throws Exception {
        int perProducer = 20_000;
        ExecutorService loop = Executors.newFixedThreadPool(2);
        ExecutorService producers = Executors.newFixedThreadPool(2);
        try {
            ThreadedOutbound out = new ThreadedOutbound(loop, 2 * perProducer);
            MpscSendQueue<long[]> queue = new MpscSendQueue<>(64, out);
            for (int p = 0; p < 2; p++) {
                long producer = p;
                producers.execute(() -> {
                    for (long i = 0; i < perProducer; i++) {
                        long[] message = {producer, i};
                        while (!queue.offer(message)) {
                            Thread.onSpinWait();
                        }
                    }
                });
            }
            assertTrue(out.allWritten.await(15, TimeUnit.SECONDS), "written: " + out.writes.get());
            assertEquals(0, out.overlaps.get(), "two drains wrote at the same time");
            assertEquals(List.of(), out.orderViolations);
        } finally {
            producers.shutdownNow();
            loop.shutdownNow();
        }
    }

    private static final class ThreadedOutbound implements Outbound<long[]> {
        final ExecutorService loop;
        final CountDownLatch allWritten;
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicBoolean writing = new AtomicBoolean();
        final long[] nextExpected = new long[2];
        final List<String> orderViolations = new ArrayList<>();

        ThreadedOutbound(ExecutorService loop, int expected) {
            this.loop = loop;
            this.allWritten = new CountDownLatch(expected);
        }

        @Override public void execute(Runnable drain) { loop.execute(drain); }
        @Override public boolean isWritable() { return true; }
        @Override public boolean isOpen() { return true; }
        @Override public void flush() { }
        @Override public void discard(long[] message) { throw new AssertionError("nothing is closed"); }

        @Override
        public void write(long[] message) {
            if (!writing.compareAndSet(false, true)) {
                overlaps.incrementAndGet();
            }
            // Drains that do not overlap are ordered by the WIP counter's acquire/release, so
            // these plain fields are safe to touch from whichever pool thread runs the drain.
            int producer = (int) message[0];
            if (message[1] != nextExpected[producer] && orderViolations.size() < 5) {
                orderViolations.add("producer " + producer + ": got " + message[1] + ", expected " + nextExpected[producer]);
            }
            nextExpected[producer] = message[1] + 1;
            writing.set(false);
            writes.incrementAndGet();
            allWritten.countDown();
        }
    }
}
