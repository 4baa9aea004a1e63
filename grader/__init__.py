"""The lab grading engine, and the API course graders import.

A course grader (course/labs/<slug>/grader.py) defines `grade(run)` and
imports only from here: `from grader import LearnerError`. Nothing in this
package imports Django: labs builds an EngineConfig from its settings and
hands it in (labs/engine.py). The path of one submission is in
docs/architecture.md.
"""

from grader.policy import Decision
from grader.run import Invocation, LambdaContext, LearnerError, Run
from grader.verdict import Checkpoint, Status, Verdict

__all__ = ["Checkpoint", "Decision", "Invocation", "LambdaContext", "LearnerError", "Run", "Status", "Verdict"]
