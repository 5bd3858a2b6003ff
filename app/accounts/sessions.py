"""What the signed session cookie holds: which user signed in, and when they were last seen."""

from __future__ import annotations

SESSION_USER_KEY = "uid"
SESSION_SEEN_KEY = "seen"
