"""Use cases of the portfolio domain: keyword arguments, the session and the acting user; the
permission is checked first, input arrives as a validated schema, nothing is committed here."""
