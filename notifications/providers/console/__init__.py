"""Development: the outbox, and each message printed to the terminal."""
