"""Background work: jobs declared by capabilities, a database lease, a run history, a scheduler."""
