"""E-mail: an outbox table filled inside requests, and a sender that works through it later.

``service.enqueue`` renders and stores a message; ``service.send_pending`` (a scheduled job, or
``servicescape mail send``) delivers what is due over SMTP. See ``service`` for why a message is
never lost and never sent twice, even when the sender is killed.
"""
