package lockfree.stage9.jcstress;

// A made-up test for JcstressTableTest: the outcome descriptions are read from here.
// @Outcome(id = "9, 9", expect = FORBIDDEN, desc = "A comment, not a declaration.")
public class Stage9_01_Race {
    @Outcome(id = "1, 2, 3", expect = ACCEPTABLE, desc = "B first.")
    @Outcome(id = "3, 1, 2", expect = ACCEPTABLE, desc = "C first.")
    @Outcome(id = {"1, 1, 2", "1, 1, 3"}, expect = ACCEPTABLE_INTERESTING,
            desc = "Both saw A: made up for this test, "
                    + "and longer than jcstress's column (\"kicked twice\").")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class Broken {
    }
}
