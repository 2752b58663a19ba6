package lockfree.common.testkit;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The watchdog's teeth: each hang it must name ends in its verdict, and a slow test is left alone. */
class WatchdogTest {
    private static final Duration LOOK = Duration.ofMillis(500);
    private static final Duration BUDGET = Duration.ofMinutes(10);

    @Test
    void twoThreadsTakingTwoLocksInOppositeOrderAreADeadlock() {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        AssertionError verdict = assertThrows(AssertionError.class, () -> Watchdog.watch(() -> {
            CountDownLatch bothHoldOne = new CountDownLatch(2);
            Thread other = new Thread(() -> lockBoth(b, a, bothHoldOne), "other");
            other.setDaemon(true);
            other.start();
            lockBoth(a, b, bothHoldOne);
        }, "opposite order", LOOK, BUDGET));
        String says = verdict.getMessage();
        assertTrue(says.startsWith("deadlock: ") && says.contains("other") && says.contains("ReentrantLock"), says);
    }

    @Test
    void aReadLockUpgradedToTheWriteLockIsNamed() {
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        AssertionError verdict = assertThrows(AssertionError.class, () -> Watchdog.watch(() -> {
            lock.readLock().lock();
            lock.writeLock().lock();
        }, "upgrade", LOOK, BUDGET));
        String says = verdict.getMessage();
        assertTrue(says.startsWith("deadlock: thread upgrade waits for the write lock")
                && says.contains("a read lock cannot be upgraded"), says);
    }

    @Test
    void aSlowTestThatKeepsMovingPassesAndItsFailureIsItsOwn() throws Throwable {
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        // The body waits on a lock for several looks, then gets it: slow, not stuck. The holder
        // lets go only once the body is queued on the lock, so the watchdog sees it waiting
        // whatever the machine's speed; how long it then holds is the slowness under test, not a
        // wait for anything.
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            lock.writeLock().lock();
            try {
                held.countDown();
                while (!lock.hasQueuedThreads()) {
                    Thread.onSpinWait();
                }
                LockSupport.parkNanos(4 * LOOK.toNanos());
            } finally {
                lock.writeLock().unlock();
            }
        });
        holder.setDaemon(true);
        holder.start();
        held.await();
        Watchdog.watch(() -> {
            lock.writeLock().lock();
            lock.writeLock().unlock();
        }, "slow", LOOK, BUDGET);
        IllegalStateException own = assertThrows(IllegalStateException.class,
                () -> Watchdog.watch(() -> {
                    throw new IllegalStateException("the test's own failure");
                }, "fails", LOOK, BUDGET));
        assertEquals("the test's own failure", own.getMessage());
    }

    @Test
    void aTestThatNeverEndsMeetsTheBudgetWithItsStacks() {
        AssertionError verdict = assertThrows(AssertionError.class, () -> Watchdog.watch(() -> {
            // Stops when the watchdog interrupts it, so it does not spin on after the test.
            while (!Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
        }, "endless", LOOK, Duration.ofSeconds(2)));
        String says = verdict.getMessage();
        assertTrue(says.startsWith("no verdict after 2 s") && says.contains("\"endless\""), says);
    }

    private static void lockBoth(ReentrantLock first, ReentrantLock second, CountDownLatch bothHoldOne) {
        first.lock();
        bothHoldOne.countDown();
        try {
            bothHoldOne.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        second.lock();
    }
}
