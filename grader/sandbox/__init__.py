"""Running the learner's harness in a sandbox (bubblewrap, or rlimits + Landlock where allowed)."""
