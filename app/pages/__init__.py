"""Views that combine domains: the measure page, the measures list, the dashboard, the start
page, reports."""
