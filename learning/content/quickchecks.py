"""Quick checks written inside lesson Markdown as ```quiz fences holding YAML.

    ```quiz
    id: qc-sqs-visibility-timeout
    type: single            # single | multiple | truefalse
    question: What happens when ...?
    options:
      - text: It is deleted.
        why: Deletion only happens when the consumer calls DeleteMessage.
      - text: It becomes visible again.
        correct: true
        why: The visibility timeout expired, so another consumer may receive it.
    explain: Optional words shown after any answer.
    ```

A true/false check has `answer: true|false` and `explain:` instead of options.
"""

from dataclasses import dataclass
from pathlib import Path

from coursefiles.fields import FieldReader
from coursefiles.problems import Problems
from coursefiles.yamlfile import LineDict, LineList, parse_mapping_block

KINDS = ("single", "multiple", "truefalse")


@dataclass
class QuickCheckSpec:
    stable_id: str
    kind: str
    question: str
    options: list[dict]  # {"text", "correct", "why"}
    explanation: str
    line: int


def parse_quiz(text: str, *, path: Path, first_line: int, problems: Problems) -> QuickCheckSpec | None:
    before = len(problems)
    data = parse_mapping_block(
        text, path=path, first_line=first_line, problems=problems, what="quick check", expected="id, type, question and options"
    )
    if data is None:
        return None
    fields = FieldReader(data, path, problems, what="quick check")
    fields.unknown_keys({"id", "type", "question", "options", "answer", "explain"})
    stable_id = fields.stable_id()
    question = fields.text("question")
    kind = data.get("type", "single")
    explanation = fields.text("explain", required=False)
    if kind not in KINDS:
        fields.problem("type", f"quick check type must be one of {', '.join(KINDS)}, got {kind!r}")
        return None

    options: list[dict] = []
    if kind == "truefalse":
        answer = data.get("answer")
        if not isinstance(answer, bool):
            fields.problem("answer", "a true/false quick check needs 'answer: true' or 'answer: false'")
        if not explanation:
            fields.problem("explain", "a true/false quick check needs 'explain' to say why")
        if "options" in data:
            fields.problem("options", "a true/false quick check takes 'answer', not 'options'")
        options = [
            {"text": "True", "correct": answer is True, "why": explanation},
            {"text": "False", "correct": answer is False, "why": explanation},
        ]
    else:
        raw = data.get("options")
        if not isinstance(raw, LineList) or len(raw) < 2:
            problems.add(path, data.line_of("options"), "quick check needs 'options': a list of at least two")
            return None
        for index, item in enumerate(raw):
            if not isinstance(item, LineDict):
                problems.add(path, raw.line_of(index), "each option must be a mapping with 'text' and 'why'")
                continue
            option = FieldReader(item, path, problems, what="option")
            option.unknown_keys({"text", "correct", "why"})
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                option.problem("correct", "'correct' must be true or false")
            options.append({"text": option.text("text"), "correct": correct is True, "why": option.text("why")})
        right = sum(o["correct"] for o in options)
        options_line = data.line_of("options")
        if kind == "single" and right != 1:
            problems.add(path, options_line, f"a single-choice quick check needs exactly one correct option, found {right}")
        if kind == "multiple" and right < 1:
            problems.add(path, options_line, "a multiple-choice quick check needs at least one correct option")
        texts = [o["text"] for o in options]
        if len(set(texts)) != len(texts):
            problems.add(path, options_line, "two options have the same text")

    if len(problems) > before:
        return None
    return QuickCheckSpec(stable_id, kind, question, options, explanation, data.line)


# A single-choice check a test-wise learner can answer without reading: too few
# options to guess against, or the right one given away by its length.
MIN_SINGLE_OPTIONS = 4
LONGEST_GIVEAWAY = 1.5


def guessability_warnings(spec: QuickCheckSpec) -> list[str]:
    if spec.kind != "single":
        return []
    warnings = []
    if len(spec.options) < MIN_SINGLE_OPTIONS:
        warnings.append(
            f"single-choice quick check '{spec.stable_id}' has {len(spec.options)} options; "
            f"give it {MIN_SINGLE_OPTIONS}, with distractors drawn from real mistakes"
        )
    right = [len(o["text"]) for o in spec.options if o["correct"]]
    others = [len(o["text"]) for o in spec.options if not o["correct"]]
    if right and others and right[0] >= LONGEST_GIVEAWAY * max(others):
        warnings.append(
            f"quick check '{spec.stable_id}': the correct option ({right[0]} characters) is much the longest "
            f"(the longest other has {max(others)}); a learner can pick it by its length"
        )
    return warnings


def grade(options: list[dict], selected: list[int]) -> bool:
    """A choice is right when it picks exactly the correct options."""
    correct = {i for i, option in enumerate(options) if option["correct"]}
    return set(selected) == correct
