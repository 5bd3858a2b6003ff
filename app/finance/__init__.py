"""Budget lines, cost keys, funding programmes and grants, Haushalt mapping and export."""
