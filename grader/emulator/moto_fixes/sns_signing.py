"""SNS: one message-signing key per process instead of one per subscription.

moto 5.2.5 signs every SQS/HTTP notification with `Subscription.private_key()`,
a 2048-bit RSA key generated per subscription (an `lru_cache` keyed on the
subscription). A run creates fresh subscriptions, so every grading of an SNS
lab paid for several RSA key generations, about a fifth of the emulator's CPU.
AWS itself signs with one certificate per Region, shared by all topics, so a
single key per process is closer to AWS, not further. It is made in `apply()`,
which the warm zygote calls before it forks: every run's emulator inherits it.
The key never leaves the emulator; it signs messages inside one private run.
"""

from cryptography.hazmat.primitives.asymmetric import rsa
from moto.sns.models import Subscription

_key: rsa.RSAPrivateKey | None = None


def signing_key() -> rsa.RSAPrivateKey:
    global _key
    if _key is None:
        _key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _key


def _private_key(self: Subscription) -> rsa.RSAPrivateKey:
    return signing_key()


def apply() -> None:
    signing_key()
    Subscription.private_key = _private_key
