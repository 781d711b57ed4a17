"""The job queue: imports, refreshes, diagnoses, connector pulls and nudges run as tasks.

Tasks are django-tasks tasks (the API Django 6 adopts) stored by the database backend
(django-tasks-db). `upswing worker` runs them, each in a child process with time and memory
limits, beats a lease so that a task of a killed worker is retried or failed (never left
running), and enqueues the nightly schedule (upswing.jobs.schedule).
"""
