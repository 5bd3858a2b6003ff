"""What the signed session cookie holds: the secret naming the server-side session, and when the
user was last seen (the idle timeout)."""

from __future__ import annotations

SESSION_SECRET_KEY = "sid"  # noqa: S105 - the name of a cookie field, not a secret
SESSION_SEEN_KEY = "seen"
