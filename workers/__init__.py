"""rq side: queues, jobs and schedules. Data flows webhook → queue → job → store."""
