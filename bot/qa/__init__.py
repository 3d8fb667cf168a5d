"""Two-way Q&A: questions the bot could not answer, handed to staff, answered back on LINE."""
