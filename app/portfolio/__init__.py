"""Strategy, action fields, measures, plans, milestones, status reports and approvals."""
