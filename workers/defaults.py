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
# Backoff for 429/5xx from LINE, in seconds. Delayed retries need `--with-scheduler`.
RETRY_INTERVALS = (5, 30, 120, 600, 1800)
CRON_LOCK_TTL = 90
