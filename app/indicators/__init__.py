"""Goals and indicators: what the strategy sets out to achieve, and how far it has come."""
