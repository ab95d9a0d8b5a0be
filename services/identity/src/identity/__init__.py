"""Identity service: accounts, organisations, OAuth2 tokens, signing keys and API clients."""
