"""Development: nothing leaves the machine; the message row is the outbox."""
