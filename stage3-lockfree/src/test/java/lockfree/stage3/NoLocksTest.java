package lockfree.stage3;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.ClassReader;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.ClassVisitor;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.MethodVisitor;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.Opcodes;
import com.tngtech.archunit.thirdparty.org.objectweb.asm.Type;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Exchanger;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claim of stage 3, checked over its bytecode: no lock on the session or push path.
 *
 * <p>ArchUnit checks what the class files declare and call: synchronized methods, any use of
 * {@code java.util.concurrent.locks}, blocking queues and the other parking synchronizers, writes to
 * a {@link ConcurrentHashMap} (each one locks a bin), and calls to synchronized methods of other
 * classes. A {@code synchronized} block is not visible to ArchUnit (it is two instructions,
 * MONITORENTER and MONITOREXIT, inside a method), so the same classes are also read with the ASM
 * that ArchUnit ships, looking for MONITORENTER.
 *
 * <p>Each rule is first shown to fail on {@link LockingFixture}, a class that breaks every one of
 * them, so none of these checks can pass by checking nothing.
 */
class NoLocksTest {

    /**
     * Stage 3's production classes: the directory (or jar) its main classes were loaded from, so
     * the import does not scan every jar on the class path for the package.
     */
    private static final JavaClasses STAGE3 = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(codeSourceOf(LockFreeSessionManager.class));

    private static final JavaClasses FIXTURE = new ClassFileImporter().importClasses(LockingFixture.class);

    // ---- the rules -------------------------------------------------------------------------------

    static final ArchRule NO_SYNCHRONIZED_METHODS = noMethods()
            .should().haveModifier(JavaModifier.SYNCHRONIZED)
            .because("a synchronized method takes the object's monitor");

    static final ArchRule NO_LOCK_CLASSES = noClasses()
            .should().dependOnClassesThat().resideInAPackage("java.util.concurrent.locks..")
            .because("locks, conditions and LockSupport.park are what stage 3 removes");

    static final ArchRule NO_BLOCKING_HAND_OFF = noClasses()
            .should().dependOnClassesThat().areAssignableTo(BlockingQueue.class)
            .orShould().dependOnClassesThat().belongToAnyOf(
                    CountDownLatch.class, CyclicBarrier.class, Semaphore.class, Phaser.class, Exchanger.class)
            .because("blocking queues and synchronizers park threads behind a lock");

    private static final Set<String> MAP_WRITES = Set.of("put", "putIfAbsent", "putAll", "remove", "replace",
            "replaceAll", "compute", "computeIfAbsent", "computeIfPresent", "merge", "clear",
            "add", "addAll", "removeIf", "removeAll", "retainAll", "newKeySet", "<init>");

    /*
     * Includes creating one: a map created here and stored behind a Map-typed field would hide its
     * writes from a check on call sites (the call's owner would be Map, not ConcurrentHashMap).
     */
    static final ArchRule NO_CONCURRENT_HASH_MAP_WRITES = noClasses()
            .should().callCodeUnitWhere(DescribedPredicate.describe("it creates or writes a ConcurrentHashMap",
                    (JavaCall<?> call) -> call.getTargetOwner().getName().startsWith(ConcurrentHashMap.class.getName())
                            && MAP_WRITES.contains(call.getName())))
            .because("ConcurrentHashMap's writes lock a bin (synchronized on its first node)");

    static final ArchRule NO_CALLS_TO_SYNCHRONIZED_METHODS = noClasses()
            .should().callMethodWhere(DescribedPredicate.describe("the target is a synchronized method",
                    (JavaMethodCall call) -> call.getTarget().resolveMember()
                            .map(m -> m.getModifiers().contains(JavaModifier.SYNCHRONIZED))
                            .orElse(false)))
            .because("a lock taken inside someone else's method is still a lock on our path");

    private static final Map<String, ArchRule> RULES = Map.of(
            "synchronized methods", NO_SYNCHRONIZED_METHODS,
            "java.util.concurrent.locks", NO_LOCK_CLASSES,
            "blocking hand-off", NO_BLOCKING_HAND_OFF,
            "ConcurrentHashMap writes", NO_CONCURRENT_HASH_MAP_WRITES,
            "calls to synchronized methods", NO_CALLS_TO_SYNCHRONIZED_METHODS);

    // ---- the checks ------------------------------------------------------------------------------

    @Test
    void theImportSeesTheStagesProductionClassesAndNoTests() {
        assertTrue(STAGE3.contain(LockFreeSessionManager.class));
        assertTrue(STAGE3.contain(MpscSendQueue.class));
        assertTrue(STAGE3.contain(Stage3Main.class));
        assertTrue(STAGE3.stream().noneMatch(c -> c.getSimpleName().endsWith("Test")), "tests were imported");
    }

    @Test
    void everyRuleCatchesTheFixture() {
        RULES.forEach((name, rule) ->
                assertTrue(rule.evaluate(FIXTURE).hasViolation(), name + " did not flag LockingFixture"));
        String fixture = LockingFixture.class.getName();
        assertEquals(List.of(fixture + ".increment()V", fixture + ".read()J (synchronized method)"),
                monitorEnters(FIXTURE.get(LockingFixture.class)), "the bytecode scan sees block and method");
    }

    @Test
    void stage3HasNoSynchronizedMethods() {
        NO_SYNCHRONIZED_METHODS.check(STAGE3);
    }

    @Test
    void stage3UsesNothingFromJavaUtilConcurrentLocks() {
        NO_LOCK_CLASSES.check(STAGE3);
    }

    @Test
    void stage3UsesNoBlockingQueueOrSynchronizer() {
        NO_BLOCKING_HAND_OFF.check(STAGE3);
    }

    @Test
    void stage3NeverWritesAConcurrentHashMap() {
        NO_CONCURRENT_HASH_MAP_WRITES.check(STAGE3);
    }

    @Test
    void stage3CallsNoSynchronizedMethod() {
        NO_CALLS_TO_SYNCHRONIZED_METHODS.check(STAGE3);
    }

    @Test
    void stage3HasNoSynchronizedBlock() {
        List<String> found = new ArrayList<>();
        for (JavaClass c : STAGE3) {
            found.addAll(monitorEnters(c));
        }
        assertEquals(List.of(), found, "MONITORENTER (a synchronized block) in stage 3");
    }

    /*
     * Our code is only half of the path: every bind and every push runs JCTools code too. Every
     * JCTools class that ours reach, following references in the bytecode transitively, takes no
     * monitor and uses no j.u.c.locks either. What some of them do contain is spinning, and one
     * sleep: see the README, "Where lock-free code still waits".
     */
    @Test
    void theJctoolsCodeOnOurPathTakesNoLockEither() {
        Deque<String> todo = new ArrayDeque<>();
        for (JavaClass c : STAGE3) {
            todo.addAll(scan(c.getName().replace('.', '/')).references());
        }
        Set<String> onPath = new LinkedHashSet<>();
        List<String> found = new ArrayList<>();
        Set<String> sleepers = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (!name.startsWith("org/jctools/") || !onPath.add(name)) {
                continue;
            }
            ClassScan scan = scan(name);
            found.addAll(scan.monitors());
            if (scan.calls().contains("java/lang/Thread.sleep") || scan.calls().contains("java/lang/Object.wait")) {
                sleepers.add(name);
            }
            scan.references().stream()
                    .filter(r -> r.startsWith("java/util/concurrent/locks/"))
                    .forEach(r -> found.add(name + " uses " + r));
            todo.addAll(scan.references());
        }
        assertTrue(onPath.contains("org/jctools/maps/NonBlockingHashMapLong"), "the map is on the path: " + onPath);
        assertTrue(onPath.contains("org/jctools/queues/unpadded/MpscChunkedUnpaddedArrayQueue"), "the queue is on the path: " + onPath);
        assertEquals(List.of(), found, "locks in the " + onPath.size() + " JCTools classes on stage 3's path");
        // The one place that can put a thread to sleep, the resize throttle described in the
        // README ("Where lock-free code still waits"). NonBlockingHashMap's copy of it is reached
        // only because NonBlockingHashMapLong stores to a static volatile field of that class as
        // a fence; the walk follows classes, not call paths. A JCTools upgrade that adds another
        // sleeper fails here, and the README must be brought up to date with it.
        assertEquals(Set.of("org/jctools/maps/NonBlockingHashMapLong$CHM", "org/jctools/maps/NonBlockingHashMap$CHM"),
                sleepers, "JCTools classes on the path that call Thread.sleep or Object.wait");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static Path codeSourceOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one class file contains that matters here. */
    record ClassScan(List<String> monitors, Set<String> references, Set<String> calls) {
    }

    private static List<String> monitorEnters(JavaClass javaClass) {
        return scan(javaClass.getName().replace('.', '/')).monitors();
    }

    /**
     * Reads a class file with the ASM that ArchUnit ships (the JDK's own class-file API is not on
     * Java 17). Collects the methods whose code contains MONITORENTER (a synchronized block) or
     * that are ACC_SYNCHRONIZED, every class the code refers to (supertypes, field and method
     * owners, types it creates, casts or tests) and every method it calls ({@code owner.name}).
     * Names are internal ({@code org/jctools/...}).
     */
    private static ClassScan scan(String internalName) {
        byte[] bytes;
        try (InputStream in = NoLocksTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IllegalStateException("not on the test class path: " + internalName);
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String className = internalName.replace('/', '.');
        List<String> monitors = new ArrayList<>();
        Set<String> references = new LinkedHashSet<>();
        Set<String> calls = new LinkedHashSet<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                if (superName != null) {
                    references.add(superName);
                }
                references.addAll(List.of(interfaces));
            }

            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
                references.add(name);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                String where = className + "." + name + descriptor;
                if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                    monitors.add(where + " (synchronized method)");
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.MONITORENTER) {
                            monitors.add(where);
                        }
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        references.add(elementType(type));
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                        references.add(elementType(owner));
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                        references.add(elementType(owner));
                        calls.add(owner + "." + name);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassScan(monitors, references, calls);
    }

    /* Instructions on arrays name the array type ("[Lorg/x/Y;"); we want Y. */
    private static String elementType(String internalName) {
        return internalName.startsWith("[") ? Type.getType(internalName).getElementType().getInternalName() : internalName;
    }

    /** Breaks every rule above once. Never run; only its bytecode is read. */
    @SuppressWarnings("unused")
    static final class LockingFixture {
        private final Object monitor = new Object();
        private final Map<Long, Object> map = new ConcurrentHashMap<>();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
        private final ReentrantLock lock = new ReentrantLock();
        private final StringBuffer log = new StringBuffer();
        private long count;

        void increment() {
            synchronized (monitor) {
                count++;
            }
        }

        synchronized long read() {
            return count;
        }

        void record(ConcurrentHashMap<Long, Object> chm) {
            chm.put(count, monitor);
            log.append(count);
        }
    }
}
