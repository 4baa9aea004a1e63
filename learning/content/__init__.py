"""The course as files: loading, validating and syncing `course/` into the database."""
