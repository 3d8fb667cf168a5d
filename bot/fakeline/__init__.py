"""A fake LINE platform for tests, the demo and the simulator. Never on in production."""
