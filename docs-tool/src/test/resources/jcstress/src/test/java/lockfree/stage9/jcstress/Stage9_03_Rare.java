package lockfree.stage9.jcstress;

/* A made-up test for JcstressTableTest. */
public class Stage9_03_Rare {
    @Outcome(id = "3, 0", expect = ACCEPTABLE, desc = "All written.")
    @Outcome(id = "1, 2", expect = ACCEPTABLE_INTERESTING, desc = "Stranded: made up for this test.")
    @State
    public static class Broken {
    }
}
