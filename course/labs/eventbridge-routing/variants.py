"""Hidden order events for eventbridge-routing, drawn from the learner's seed.

`to` lists the queues each event must reach; `bus` is orders-bus unless
"default". Every variant holds the same near misses, each a neighbour that a
nearly right pattern lets through: a total of 1000 exactly with a good tier (>
vs >=) beside one just above 1000; a standard tier and a tier that is neither
standard nor premium/enterprise, both above 1000 (exists, anything-but); two
regions starting "europe-" (a prefix "eu" without the dash), one of them on
an order high-value wants; and an order matching both rules sent on the
default bus, with another source, and with another detail-type. The seed
draws the order ids, totals, tiers, regions, the wrong source and type, and
the order the events are put in.
"""

import random

EU = ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2"]
ELSEWHERE = ["us-east-1", "us-east-2", "us-west-2", "ca-central-1", "sa-east-1", "ap-northeast-1", "ap-south-1", "ap-southeast-1"]
EUROPE_NOT_EU = ["europe-west1", "europe-west4", "europe-north1", "europe-central2", "europe-southwest1"]
GOOD_TIERS = ["premium", "enterprise"]
OTHER_TIERS = ["business", "gold", "partner", "basic"]


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["HV", "ORD", "EB", "SHOP", "WEB"])
    ids = [f"{prefix}-{n}" for n in rng.sample(range(1000, 9999), 10)]
    good = lambda: rng.choice(GOOD_TIERS)  # noqa: E731
    big = lambda: rng.randint(11, 99) * 100 + rng.choice([0, 50])  # noqa: E731
    europe = rng.sample(EUROPE_NOT_EU, 2)
    just_above = rng.choice([1000.01, 1000.05, 1000.5, 1001])
    exactly = rng.choice([1000, 1000.0])

    def event(total, tier, region, label, to, **more):
        return {"total": total, "tier": tier, "region": region, "label": label, "to": to, **more}

    def shown(total):
        return f"{total:g}" if isinstance(total, float) else str(total)

    tier, region = good(), rng.choice(ELSEWHERE)
    events = [event(just_above, tier, region, f"total {shown(just_above)}, {tier}, {region}", ["high-value"])]
    tier, region = good(), rng.choice(EU)
    events.append(event(exactly, tier, region, f"total 1000 exactly, {tier}, {region}", ["eu-orders"]))
    total, region = big(), rng.choice(EU)
    events.append(event(total, "standard", region, f"total {total}, standard tier, {region}", ["eu-orders"]))
    total, tier, region = big(), good(), rng.choice(EU)
    events.append(event(total, tier, region, f"total {total}, {tier}, {region}", ["high-value", "eu-orders"]))
    total, tier, region = big(), good(), rng.choice(EU)
    events.append(event(total, tier, region, f"total {total}, {tier}, {region}, on the default bus", [], bus="default"))
    total, tier, region = big(), good(), rng.choice(EU)
    source = rng.choice(["com.shop.returns", "com.shop.inventory", "com.shop.payments"])
    events.append(event(total, tier, region, f"total {total}, {tier}, source {source}", [], source=source))
    total, tier, region = big(), good(), rng.choice(EU)
    detail_type = rng.choice(["OrderCancelled", "OrderShipped", "OrderRefunded"])
    events.append(event(total, tier, region, f"total {total}, {tier}, detail-type {detail_type}", [], detail_type=detail_type))
    total = rng.randint(20, 990)
    events.append(event(total, "standard", europe[0], f"total {total}, standard, region {europe[0]}", []))
    total, tier, region = big(), rng.choice(OTHER_TIERS), rng.choice(ELSEWHERE)
    events.append(event(total, tier, region, f"total {total}, {tier} tier, {region}", []))
    total, tier = big(), good()
    events.append(event(total, tier, europe[1], f"total {total}, {tier}, region {europe[1]}", ["high-value"]))

    rng.shuffle(events)
    return {"events": [{"orderId": order_id, **e} for order_id, e in zip(ids, events)]}
