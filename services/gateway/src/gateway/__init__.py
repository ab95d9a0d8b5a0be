"""The gateway: the platform's one front door."""
