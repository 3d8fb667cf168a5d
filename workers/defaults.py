"""Constants of the queue side, in one place."""

EVENTS_QUEUE = "events"
RESPONSES_QUEUE = "responses"
DEFAULT_QUEUE = "default"
ALL_QUEUES = (EVENTS_QUEUE, RESPONSES_QUEUE, DEFAULT_QUEUE)

# LINE may redeliver an event for a while; 24 h covers every redelivery LINE documents.
SEEN_EVENT_TTL = 24 * 3600
SENT_CHUNK_TTL = 24 * 3600
EVENT_JOB_TIMEOUT = 60
FAILURE_TTL = 30 * 24 * 3600
# A finished event or response job (raw LINE ids, citizens' words) is gone a second later.
# Not 0: rq 2.12 then deletes the job at once and fails on the execution record of an
# earlier run that a killed worker left behind (seen in the crash scenario: a needless retry).
FINISHED_TTL = 1
# Backoff for 429/5xx from LINE, in seconds. A conversation is retried at chat speed: a
# reply token lives about a minute, and a citizen should not wait minutes for one 500.
EVENT_RETRY_INTERVALS = (1, 2, 5, 15, 60, 300)
RETRY_INTERVALS = (5, 30, 120, 600, 1800)
# LINE's Retry-After is honoured up to this; a longer one falls back to the backoff above.
MAX_RETRY_AFTER = 1800
CRON_LOCK_TTL = 90

# The worker process (`tambon worker`): a supervisor forks long-lived rq SimpleWorkers.
# A job's heartbeat is refreshed every JOB_HEARTBEAT_INTERVAL s by its worker and lapses
# JOB_HEARTBEAT_TTL s after the last: a worker lost with its machine is noticed then.
JOB_HEARTBEAT_INTERVAL = 2
JOB_HEARTBEAT_TTL = 10
# The supervisor's loop: reap and respawn children, recover jobs of dead workers, move due
# retries (the scheduler), clean rq's registries.
SUPERVISOR_TICK = 0.5
SCHEDULER_LOCK_TTL = 5  # rq's own is 61 s, and a new worker retries it only every 10 min
REGISTRY_CLEAN_INTERVAL = 5
# A child is replaced after this many jobs, so a slow leak cannot grow without bound.
WORKER_MAX_JOBS = 20_000
# An idle worker waits this long on the events queue before looking at the others.
DEQUEUE_BLOCK = 1
# A job moved out of its queue but not started after this long lost its worker on the way.
STRANDED_AFTER = 3
# rq waits up to 60 s between reconnection attempts; a chat cannot.
MAX_REDIS_RECONNECT_WAIT = 2.0
