"""The salon's settings, a section per feature (each its own module)."""
