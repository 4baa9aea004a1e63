"""Hidden order events for sns-filter-fanout, drawn from the learner's seed.

`to` lists the filtered queues each event must reach (audit gets them all);
an attribute left out of `attributes` is not sent. Every variant holds the same
near misses each rule must turn away or let in: an amount of exactly 100 (>=
vs >) beside one just under it; an event type that is neither created nor
refunded, both cancelled and shipped (anything-but lets shipped in); a region
starting "europe-" (a prefix "eu" without the dash) and one in upper case
"EU-"; a non-European region on an order.created (exists instead of a
prefix); and events without a region, an amount or an event_type. The European
regions are all different, so a filter on one exact region misses the rest.
The seed draws the event ids, amounts, regions and publishing order.
"""

import random

EU = ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2"]
ELSEWHERE = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "ap-southeast-2", "ap-northeast-2"]
EUROPE_NOT_EU = ["europe-west1", "europe-west2", "europe-west4", "europe-north1", "europe-central2"]


def variants(seed):
    rng = random.Random(seed)
    ids = [f"evt-{n}" for n in rng.sample(range(1000, 9999), 11)]
    eu = iter(rng.sample(EU, 6))
    elsewhere = rng.sample(ELSEWHERE, 2)
    money = lambda: rng.randint(101, 2500)  # noqa: E731
    exactly = rng.choice([100, 100.0])
    just_under = rng.choice([99.99, 99.95, 99.9])
    small = rng.randint(5, 95)

    def event(label, to, **attributes):
        return {"label": label, "attributes": attributes, "to": to}

    region = next(eu)
    events = [event(f"created, amount 100 exactly, {region}", ["payments", "shipping"],
                    event_type="order.created", amount=exactly, region=region)]
    region = next(eu)
    events.append(event(f"created, amount {just_under}, {region}", ["shipping"],
                        event_type="order.created", amount=just_under, region=region))
    amount, region = money(), elsewhere[0]
    events.append(event(f"refunded, amount {amount}, {region}", ["payments"],
                        event_type="order.refunded", amount=amount, region=region))
    amount, region = money(), next(eu)
    events.append(event(f"cancelled, amount {amount}, {region}", [],
                        event_type="order.cancelled", amount=amount, region=region))
    amount = money()
    events.append(event(f"created, amount {amount}, no region", ["payments"], event_type="order.created", amount=amount))
    region = next(eu)
    events.append(event(f"created, {region}, no amount", ["shipping"], event_type="order.created", region=region))
    region = "EU-" + rng.choice(EU)[3:]
    events.append(event(f"created, amount {small}, region {region} (upper case)", [],
                        event_type="order.created", amount=small, region=region))
    amount, region = money(), next(eu)
    events.append(event(f"no event_type, amount {amount}, {region}", [], amount=amount, region=region))
    amount, region = money(), next(eu)
    events.append(event(f"shipped, amount {amount}, {region}", [], event_type="order.shipped", amount=amount, region=region))
    amount, region = money(), elsewhere[1]
    events.append(event(f"created, amount {amount}, {region}", ["payments"],
                        event_type="order.created", amount=amount, region=region))
    amount, region = rng.randint(5, 95), rng.choice(EUROPE_NOT_EU)
    events.append(event(f"created, amount {amount}, region {region} (no dash after eu)", [],
                        event_type="order.created", amount=amount, region=region))

    rng.shuffle(events)
    return {"messages": [{"id": event_id, **e} for event_id, e in zip(ids, events)]}
