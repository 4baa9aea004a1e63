"""The emulator learners run against: a warm moto process (zygote) that forks one child per run."""
