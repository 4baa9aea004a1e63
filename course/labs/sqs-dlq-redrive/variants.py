"""Hidden payments for sqs-dlq-redrive, drawn from the learner's seed.

All of them failed under the old consumer (int(amount)): every good amount
has a decimal point. The good ones sit at the edges: 0.01, the smallest
positive amount (int() makes it 0), and amounts with cents that int() and
rounding lose. The bad ones lie just outside "a positive, finite decimal
number": zero, a negative amount, text, no amount at all, and infinity, which
float() and Decimal() both parse. The seed draws the payment ids, the good
amounts, how zero, the negative amount, the text and infinity are spelt, and
the order the payments failed in.
"""

import random


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["PAY", "PMT", "TXN", "INV"])
    ids = [f"{prefix}-{n}" for n in rng.sample(range(1000, 9999), 8)]
    cents = "12.50"  # the instructions' example: never a hidden one
    while cents == "12.50":
        cents = f"{rng.randint(1, 99)}.{rng.randint(1, 99):02d}"
    large = f"{rng.randint(100, 4999)}.{rng.randint(1, 9)}"
    zero = rng.choice(["0.00", "0", "0.0"])
    negative = rng.choice(["-4.00", "-0.01", f"-{rng.randint(1, 99)}.50"])
    text = rng.choice(["twelve", "ten euros", "12,50", "n/a"])
    infinity = rng.choice(["Infinity", "inf", "+Infinity"])

    payments = [
        {"amount": cents, "good": True, "label": cents},
        {"amount": "0.01", "good": True, "label": "0.01 (smallest positive)"},
        {"amount": large, "good": True, "label": large},
        {"amount": zero, "good": False, "label": f"amount {zero}"},
        {"amount": negative, "good": False, "label": f"negative amount {negative}"},
        {"amount": text, "good": False, "label": f"amount {text!r}, not a number"},
        {"good": False, "label": "amount missing"},
        {"amount": infinity, "good": False, "label": f"amount {infinity} (parses, but not a finite number)"},
    ]
    rng.shuffle(payments)
    return {"payments": [{"paymentId": pid, **p, "label": f"{pid}, {p['label']}"} for pid, p in zip(ids, payments)]}
