"""Hidden inputs for secure-queue-policy, drawn from the learner's seed.

Every variant keeps the near misses: a rogue topic in the same account whose
name starts with "invoice-events" (so aws:SourceAccount alone, a wildcard
SourceArn and a Principal "*" without a condition all let it in), a topic of
the same name in another account, a caller from another account, SNS asking
for more than SendMessage, an EventBridge rule, and the account's own role
calling without TLS. The seed draws the rogue topic's name, the other
account, the invoices and the order of everything.
"""

import random


def variants(seed):
    rng = random.Random(seed)
    suffix = rng.choice(["-replay", "-staging", "-v2", "-backfill", "-test", "-copy", "2", "-old"])
    other_account = str(rng.randint(200000000000, 999999999999))
    prefix = rng.choice(["inv", "INV", "bill", "in"])
    numbers = rng.sample(range(1000, 99999), 7)
    currencies = ["EUR", "USD", "GBP", "JPY", "CHF"]
    invoices = [
        {"invoiceId": f"{prefix}-{n}", "amount": rng.randint(100, 250000), "currency": rng.choice(currencies)}
        for n in numbers[: rng.randint(3, 5)]
    ]
    rogue = [
        {"invoiceId": f"{prefix}-{n}", "amount": rng.choice([0, 1, 999999]), "currency": rng.choice(currencies), "note": note}
        for n, note in zip(numbers[5:], rng.sample(["replayed", "forged", "test data", "duplicate"], 2))
    ]
    publishes = [("invoice", i) for i in range(len(invoices))] + [("rogue", i) for i in range(len(rogue))]
    rng.shuffle(publishes)
    worker = rng.choice(["invoice-worker", "billing-app", "ledger-writer"])
    rule = rng.choice(["invoices-to-inbox", "billing-rule", "all-invoices"])
    probes = [
        {"name": f"a user in account {other_account} calling SendMessage directly",
         "principal": {"AWS": f"arn:aws:iam::{other_account}:user/mallory"}, "action": "sqs:SendMessage", "context": {"aws:SecureTransport": "true"}},
        {"name": f"a user in account {other_account} calling ReceiveMessage",
         "principal": {"AWS": f"arn:aws:iam::{other_account}:user/mallory"}, "action": "sqs:ReceiveMessage", "context": {"aws:SecureTransport": "true"}},
        {"name": f"SNS delivering from a topic called invoice-events in account {other_account}",
         "principal": {"Service": "sns.amazonaws.com"}, "action": "sqs:SendMessage",
         "context": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{other_account}:invoice-events", "aws:SourceAccount": other_account, "aws:SecureTransport": "true"}},
        {"name": f"an EventBridge rule {rule} of your account sending",
         "principal": {"Service": "events.amazonaws.com"}, "action": "sqs:SendMessage",
         "context": {"aws:SourceArn": f"arn:aws:events:us-east-1:ACCOUNT:rule/{rule}", "aws:SourceAccount": "ACCOUNT", "aws:SecureTransport": "true"}},
    ]
    for action in rng.sample(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue", "sqs:SetQueueAttributes"], 2):
        probes.append({"name": f"SNS, as invoice-events, calling {action.split(':')[1]}",
                       "principal": {"Service": "sns.amazonaws.com"}, "action": action,
                       "context": {"aws:SourceArn": "TOPIC_ARN", "aws:SourceAccount": "ACCOUNT", "aws:SecureTransport": "true"}})
    rng.shuffle(probes)
    plain_http = [
        {"name": f"your own role {worker} calling {action.split(':')[1]} without TLS",
         "principal": {"AWS": f"arn:aws:iam::ACCOUNT:role/{worker}"}, "action": action, "context": {"aws:SecureTransport": "false"}}
        for action in ("sqs:SendMessage", "sqs:ReceiveMessage")
    ]
    return {
        "rogue_topic": "invoice-events" + suffix,
        "invoices": invoices,
        "rogue_messages": rogue,
        "publish_order": publishes,
        "probes": probes,
        "plain_http": plain_http,
    }
