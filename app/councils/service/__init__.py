"""Use cases of the council cycle: sessions, Vorlagen, their Beratungsfolge, baselines."""
