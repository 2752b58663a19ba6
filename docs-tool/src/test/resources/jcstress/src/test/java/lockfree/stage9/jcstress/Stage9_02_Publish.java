package lockfree.stage9.jcstress;

/* A made-up test for JcstressTableTest. */
public class Stage9_02_Publish {
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "Not published yet.")
    @Outcome(id = "1, 7", expect = ACCEPTABLE, desc = "Seen fully built.")
    @Outcome(expect = FORBIDDEN, desc = "Half-built: made up for this test.")
    @State
    public static class Fixed {
    }
}
