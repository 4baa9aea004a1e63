"""The emulator learners run against (the warm pool and private moto servers are helper A's)."""
