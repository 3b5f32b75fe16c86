"""E-mail to panellists: queued in the outbox within the causing transaction, sent later."""
