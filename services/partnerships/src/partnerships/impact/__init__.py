"""What an employer's money and events achieved, as aggregates."""
