"""SNS: AWS-style answers where moto 5.2.5 crashes on learner input.

- A FilterPolicy that is not JSON (or not a JSON object) is refused with
  InvalidParameter, as AWS does, instead of a JSONDecodeError (HTTP 500). A
  Subscribe whose attributes are refused creates no subscription.
- `$or` in a MessageBody-scope policy matches as AWS documents (any branch may
  match), instead of raising inside Publish.
- Publish never fails because one subscription cannot take the message (e.g.
  its queue does not exist): on AWS delivery is per subscription and a failed
  delivery is retried or dropped without affecting the publisher or the other
  subscribers.
"""

import json
import logging
from typing import Any

from moto.sns.exceptions import SNSException, SNSInvalidParameter
from moto.sns.models import SNSBackend, Subscription
from moto.sns.responses import SNSResponse
from moto.sns.utils import FilterPolicyMatcher

logger = logging.getLogger(__name__)


def _expand_or(policy: dict) -> list[dict]:
    """A policy with `$or` as the list of `$or`-free policies any of which may match."""
    variants: list[dict] = [{}]
    for key, value in policy.items():
        if key == "$or" and isinstance(value, list):
            branches = [branch for alternative in value if isinstance(alternative, dict) for branch in _expand_or(alternative)]
            variants = [_merge(variant, branch) for variant in variants for branch in branches]
        elif isinstance(value, dict):
            nested = _expand_or(value)
            variants = [_merge(variant, {key: sub}) for variant in variants for sub in nested]
        else:
            variants = [_merge(variant, {key: value}) for variant in variants]
    return variants


def _merge(left: dict, right: dict) -> dict:
    merged = dict(left)
    for key, value in right.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _body_based_match(self: FilterPolicyMatcher, message_dict: Any) -> bool:
    for variant in _expand_or(self.filter_policy):
        try:
            checks = self._compute_body_checks(variant, message_dict)
            if self._perform_body_checks(checks):
                return True
        except FilterPolicyMatcher.CheckException:
            continue
    return False


def _checked_set_subscription_attributes(original):
    def set_subscription_attributes(self: SNSBackend, arn: str, name: str, value: Any) -> None:
        if name == "FilterPolicy" and value:
            try:
                policy = json.loads(value)
            except (TypeError, ValueError) as exc:
                raise SNSInvalidParameter(f"Invalid parameter: FilterPolicy: failed to parse JSON. {exc}") from None
            if not isinstance(policy, dict):
                raise SNSInvalidParameter("Invalid parameter: FilterPolicy: the filter policy must be a JSON object")
            try:
                return original(self, arn, name, value)
            except SNSException:
                raise
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise SNSInvalidParameter(f"Invalid parameter: FilterPolicy: {exc}") from None
        return original(self, arn, name, value)

    set_subscription_attributes._redrive_fix = True
    return set_subscription_attributes


def _atomic_subscribe(original):
    """Subscribe with attributes AWS refuses must leave no subscription behind."""

    def subscribe(self: SNSResponse):
        before = set(self.backend.subscriptions)
        try:
            return original(self)
        except SNSException:
            for arn in set(self.backend.subscriptions) - before:
                self.backend.subscriptions.pop(arn, None)
            raise

    subscribe._redrive_fix = True
    return subscribe


def _isolated_publish(original):
    def publish(self: Subscription, *args, **kwargs) -> None:
        try:
            original(self, *args, **kwargs)
        except Exception as exc:  # one endpoint failing must not fail the publisher
            logger.info("SNS delivery to %s (%s) failed and was dropped: %r", self.endpoint, self.protocol, exc)

    publish._redrive_fix = True
    return publish


def apply() -> None:
    FilterPolicyMatcher._body_based_match = _body_based_match
    for owner, attribute, wrapper in (
        (SNSBackend, "set_subscription_attributes", _checked_set_subscription_attributes),
        (SNSResponse, "subscribe", _atomic_subscribe),
        (Subscription, "publish", _isolated_publish),
    ):
        if not getattr(getattr(owner, attribute), "_redrive_fix", False):
            setattr(owner, attribute, wrapper(getattr(owner, attribute)))
