"""The risk register: what could go wrong with a measure, how likely, how bad, and what is done
about it."""
