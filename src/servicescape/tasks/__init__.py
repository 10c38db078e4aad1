"""Tasks: follow-ups, call-backs, recoveries and reviews, by a person or created by a rule."""
