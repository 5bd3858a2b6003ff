"""What is due for whom: the home page's tasks, e-mail reminders and the weekly digest, and the
calendar feeds. Reads every domain's task and event sources (``registry``); owns the sent-log
of the e-mails."""
