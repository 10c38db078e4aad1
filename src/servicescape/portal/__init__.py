"""The client portal: a client's contacts look up, order and track."""
