"""The migrations of learning, flashcards and labs as they were on main before
accounts/ and classes/ split from learning/ (issue 13), copied verbatim. The
upgrade test builds a database with them, as a site running that code has,
and then migrates it with today's migrations."""
