package lockfree.common.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that {@link LeakGuard} is active and sees leaks. Each leak made here on purpose is
 * collected (and so removed) within its own test, which keeps the suite green.
 */
class LeakGuardTest {

    private ResourceLeakDetector.Level levelBefore;

    /** The surefire run is PARANOID already; this makes the test mean the same from an IDE. */
    @BeforeEach
    void trackEveryBuffer() {
        levelBefore = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        assertEquals(List.of(), LeakGuard.collectLeaks(), "a leak from an earlier test is still pending");
    }

    @AfterEach
    void restoreLevel() {
        ResourceLeakDetector.setLevel(levelBefore);
    }

    @Test
    void guardIsRegisteredForEveryTestClassWithoutAnnotation() {
        // Autodetection via META-INF/services + junit-platform.properties; no @ExtendWith here.
        assertTrue(LeakGuard.isGuarding(LeakGuardTest.class));
    }

    @Test
    void droppedUnreleasedUnpooledDirectBufferIsReported() {
        leakUnpooledDirectBuffer();
        List<String> leaks = LeakGuard.collectLeaks();
        assertEquals(1, leaks.size(), leaks.toString());
        // Netty's record names the allocation site, which is what makes the failure actionable.
        assertTrue(leaks.get(0).contains("leakUnpooledDirectBuffer"), leaks.get(0));
        assertEquals(List.of(), LeakGuard.collectLeaks(), "a collected leak is reported once");
    }

    @Test
    void droppedUnreleasedPooledHeapBufferIsReported() {
        leakPooledHeapBuffer();
        List<String> leaks = LeakGuard.collectLeaks();
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).contains("leakPooledHeapBuffer"), leaks.get(0));
    }

    @Test
    void droppedUnreleasedPooledDirectBufferIsReported() {
        leakPooledDirectBuffer();
        List<String> leaks = LeakGuard.collectLeaks();
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).contains("leakPooledDirectBuffer"), leaks.get(0));
    }

    @Test
    void assertNoLeaksFailsWithTheLeakRecord() {
        leakUnpooledDirectBufferOnceMore();
        AssertionError e = assertThrows(AssertionError.class, LeakGuard::assertNoLeaks);
        assertTrue(e.getMessage().contains("1 Netty resource leak(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("leakUnpooledDirectBufferOnceMore"), e.getMessage());
    }

    @Test
    void releasedBuffersAreNotReported() {
        for (int i = 0; i < 100; i++) {
            ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(i);
            ByteBuf copy = Unpooled.copiedBuffer(buf);
            buf.release();
            copy.release();
        }
        assertEquals(List.of(), LeakGuard.collectLeaks());
        LeakGuard.assertNoLeaks();
    }

    // Each leak lives in its own method: once the method returns nothing references the buffer,
    // whatever the JIT does with local variables. Netty de-duplicates identical leak records, so
    // every test leaks from a different place. (Unpooled heap buffers are not tracked at all: the
    // garbage collector reclaims them, so forgetting release() costs nothing there.)

    private static void leakUnpooledDirectBuffer() {
        Unpooled.directBuffer(16).writeLong(1);
    }

    private static void leakUnpooledDirectBufferOnceMore() {
        Unpooled.directBuffer(16).writeLong(2);
    }

    private static void leakPooledHeapBuffer() {
        ByteBufAllocator.DEFAULT.heapBuffer(16).writeLong(4);
    }

    private static void leakPooledDirectBuffer() {
        ByteBufAllocator.DEFAULT.directBuffer(16).writeLong(3);
    }
}
