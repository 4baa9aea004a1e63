"""Course-as-files: YAML and front matter read with line numbers, field checks,
`path:line` problems, Markdown and diagrams, and the sync registry each app
plugs into. Plain Python and Django's app registry only: it imports no app."""
