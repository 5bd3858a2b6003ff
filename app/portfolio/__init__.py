"""Strategy, action fields, measures, plans, milestones and status reports."""
