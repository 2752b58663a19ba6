package lockfree.common.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns a Netty buffer leak into a failed test.
 *
 * <p>Netty's leak detector only logs: a {@code LEAK: ByteBuf.release() was not called} line in a
 * surefire report file fails nothing. This extension makes every detector Netty creates report to
 * it as well, and fails the test (or test class) during which a leak surfaced.
 *
 * <h2>How the detectors get our listener</h2>
 * Netty asks {@link ResourceLeakDetectorFactory#instance()} for a detector once per resource type,
 * in a static initializer ({@code AbstractByteBuf.leakDetector} for every {@code ByteBuf}). So our
 * factory must be installed before the first buffer class is initialized. JUnit loads
 * auto-detected extensions (see {@code META-INF/services/org.junit.jupiter.api.extension.Extension}
 * and {@code junit.jupiter.extensions.autodetection.enabled} in {@code junit-platform.properties})
 * before it runs any test class, and this class installs the factory in its static initializer,
 * which runs then. {@link #beforeAll} checks that it really was early enough and fails loudly
 * otherwise, so the guard can never be silently inactive.
 *
 * <p>Our detectors also override {@code needReport()}: Netty's version returns "is ERROR logging
 * enabled", and when it is not, the detector throws leak reports away unseen.
 *
 * <h2>When a leak is seen</h2>
 * A leak becomes visible only after the garbage collector has found the buffer unreachable and the
 * JVM has enqueued its weak reference; the detector then polls that queue the next time it tracks
 * a new resource. {@link #afterEach} polls once, cheaply (no GC), so a leak that has already
 * surfaced fails the test that was running. {@link #afterAll} forces a GC first, so a leak made
 * anywhere in the class fails the class. Either way the report is Netty's own record: where the
 * buffer was allocated and last touched, which is where to look, whichever test failed.
 *
 * <p>Leak detection runs at PARANOID in this build (the parent pom sets
 * {@code io.netty.leakDetection.level}), so every buffer is tracked.
 */
public final class LeakGuard implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** Leak reports not yet turned into a failure; filled by any thread that allocates. */
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    /** Every detector our factory made, so that a forced check can make each one poll. */
    private static final List<ResourceLeakDetector<Object>> DETECTORS = new CopyOnWriteArrayList<>();

    /** The resource types our factory has seen, to tell whether we were installed in time. */
    private static final Set<String> GUARDED_TYPES = ConcurrentHashMap.newKeySet();

    /** The test classes this extension has run for; lets a test prove auto-registration works. */
    private static final Set<Class<?>> GUARDED_CLASSES = ConcurrentHashMap.newKeySet();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new GuardedFactory());
    }

    /** JUnit creates the instance through the service loader; tests use the static methods. */
    public LeakGuard() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Initializes AbstractByteBuf if nothing has yet, which asks the factory for its detector.
        Unpooled.buffer(1).release();
        if (!GUARDED_TYPES.contains(ByteBuf.class.getSimpleName())) {
            throw new AssertionError("LeakGuard was loaded after Netty created its ByteBuf leak detector,"
                    + " so buffer leaks would go unnoticed. Register it by autodetection"
                    + " (junit.jupiter.extensions.autodetection.enabled=true in this module's"
                    + " src/test/resources/junit-platform.properties), not with @ExtendWith, so that"
                    + " JUnit loads it before any test touches a ByteBuf.");
        }
        context.getTestClass().ifPresent(GUARDED_CLASSES::add);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        pollDetectors();
        failIfLeaked("while " + context.getDisplayName() + " ran");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        failIfLeaked("in " + context.getDisplayName(), collectLeaks());
    }

    /**
     * Forces leak detection now and fails with Netty's leak records if any leak was reported.
     * Useful mid-test, e.g. right after stopping a gateway, to pin a leak on the step that made it.
     */
    public static void assertNoLeaks() {
        failIfLeaked("so far", collectLeaks());
    }

    /**
     * Forces leak detection and returns every leak report not returned before, removing them.
     *
     * <p>Blocks for two garbage collections. Every tracked buffer (at PARANOID: every pooled or
     * direct buffer) that was dropped unreleased before this call is reported by it.
     */
    public static List<String> collectLeaks() {
        // Two collections, each awaited until the JVM's reference handler has enqueued a sentinel
        // weak reference cleared by it. The handler takes each collection's cleared references as
        // one batch and finishes a batch before starting the next, so seeing the second sentinel
        // means every reference cleared by the first collection (including a leaked buffer's
        // DefaultResourceLeak) is already in its detector's queue. One collection would not
        // prove that: the sentinel may be enqueued before the leak from the same batch.
        awaitCollection();
        awaitCollection();
        pollDetectors();
        return takeLeaks();
    }

    /** Returns the leak reports recorded so far without forcing a collection, removing them. */
    static List<String> takeLeaks() {
        List<String> taken = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            taken.add(leak);
        }
        return taken;
    }

    /** Whether this extension has run {@code beforeAll} for {@code testClass}. */
    static boolean isGuarding(Class<?> testClass) {
        return GUARDED_CLASSES.contains(testClass);
    }

    private static void failIfLeaked(String when) {
        failIfLeaked(when, takeLeaks());
    }

    private static void failIfLeaked(String when, List<String> leaks) {
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder()
                .append(leaks.size()).append(" Netty resource leak(s) reported ").append(when)
                .append(". The leaked object may come from an earlier test of this JVM;")
                .append(" the records below show where it was allocated and last used.");
        for (String leak : leaks) {
            message.append(System.lineSeparator()).append(leak);
        }
        throw new AssertionError(message.toString());
    }

    /**
     * Makes every detector look at its reference queue now. A detector polls only when it starts
     * tracking a new object, and at levels below PARANOID only for sampled objects, so we track a
     * throw-away object forcibly and close the tracker at once.
     */
    private static void pollDetectors() {
        for (ResourceLeakDetector<Object> detector : DETECTORS) {
            Object probe = new Object();
            ResourceLeakTracker<Object> tracker = detector.trackForcibly(probe);
            tracker.close(probe);
        }
    }

    private static void awaitCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        // The referent is never stored in a local, so nothing but this reference can reach it.
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            if (queue.remove(2_000) == null) {
                throw new AssertionError("LeakGuard: System.gc() did not clear a weak reference within 2 s;"
                        + " is -XX:+DisableExplicitGC set?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a garbage collection", e);
        }
        // Keeps the WeakReference object itself reachable until its referent has been cleared.
        Reference.reachabilityFence(sentinel);
    }

    private static final class GuardedFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            GuardedDetector<T> detector = new GuardedDetector<>(resource, samplingInterval);
            detector.setLeakListener((resourceType, records) ->
                    LEAKS.add("LEAK of a " + resourceType + ":" + System.lineSeparator() + records));
            @SuppressWarnings("unchecked")
            ResourceLeakDetector<Object> erased = (ResourceLeakDetector<Object>) detector;
            DETECTORS.add(erased);
            GUARDED_TYPES.add(resource.getSimpleName());
            return detector;
        }

        /** Deprecated in Netty, where {@code maxActive} is ignored; abstract, so still ours to implement. */
        @Deprecated
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }
    }

    private static final class GuardedDetector<T> extends ResourceLeakDetector<T> {
        GuardedDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        /** Report even when ERROR logging is off; Netty's default silently drops the leak then. */
        @Override
        protected boolean needReport() {
            return true;
        }
    }
}
