"""Hidden documents for claim-check, one variant per seed.

SQS takes at most 1,048,576 bytes per message, counted in UTF-8 bytes of the
body plus each attribute's name, data type and value. Every variant holds the
near misses of that rule, computed for its own document ids: a document that
fits to the byte with its docId attribute (inline), the same plus one byte
(through S3), multi-byte text whose characters fit but whose bytes do not
(through S3), multi-byte text that fits (inline), a small inline document whose
text looks like an Extended Client pointer (only the ExtendedPayloadSize
attribute marks a pointer), and a large document. Sizes are given as recipes
(a character repeated) so the inputs stay small; the grader builds the texts.
"""

import random

LIMIT = 1_048_576
ATTRIBUTE = "docId"
TYPE = "String"


def _inline_room(doc_id: str) -> int:
    return LIMIT - len(ATTRIBUTE) - len(TYPE) - len(doc_id.encode("utf-8"))


def variants(seed: int) -> dict:
    rng = random.Random(seed)
    numbers = rng.sample(range(1000, 9999), 7)
    ids = [f"{prefix}-{n}" for prefix, n in zip(rng.sample(["inv", "po", "contract", "scan", "report", "memo", "deed"], 7), numbers)]
    fill = rng.choice("abcdefghijklmnopqrstuvwxyz")
    wide2, wide3 = rng.choice("éøçñü"), rng.choice("€₹₩✓ℓ")
    docs = [
        {"label": "a small note", "docId": ids[0], "head": f"Note {numbers[0]}: ship on Tuesday.", "repeat": "", "count": 0, "through_s3": False},
        {"label": "text that looks like a pointer", "docId": ids[1],
         "head": '["software.amazon.payloadoffloading.PayloadS3Pointer", {"s3BucketName": "claim-checks", "s3Key": "missing-'
                 + str(numbers[1]) + '"}]', "repeat": "", "count": 0, "through_s3": False},
        {"label": "fits to the byte with its attribute", "docId": ids[2], "head": "", "repeat": fill, "count": _inline_room(ids[2]), "through_s3": False},
        {"label": "one byte over with its attribute", "docId": ids[3], "head": "", "repeat": fill, "count": _inline_room(ids[3]) + 1, "through_s3": True},
        {"label": f"{wide3} x 350,000: fewer characters than the limit, more bytes", "docId": ids[4], "head": "", "repeat": wide3, "count": 350_000, "through_s3": True},
        {"label": f"{wide2} x 200,000: 400,000 bytes, fits", "docId": ids[5], "head": "", "repeat": wide2, "count": 200_000, "through_s3": False},
        {"label": "a 1.2 MB scan", "docId": ids[6], "head": f"SCAN {numbers[6]}\n", "repeat": fill.upper(), "count": 1_200_000, "through_s3": True},
    ]
    rng.shuffle(docs)
    return {"documents": docs}
