"""The council cycle: bodies, sessions, Beschlussvorlagen with their Beratungsfolge, and the
baselines that freeze the portfolio at a decision."""
