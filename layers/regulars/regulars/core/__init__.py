"""The shared kernel every feature uses: money, ids, phones, errors, the clock, outside text, configuration."""
