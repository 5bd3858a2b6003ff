"""Users, roles scoped to municipalities, sessions, API tokens and permissions."""
