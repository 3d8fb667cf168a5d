"""What keeps the service safe to run in public: rate limits and lockouts, trusted proxies,
response headers, and the settings production refuses to start with."""
