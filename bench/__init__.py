"""Benchmarks of the functions as Lambda runs them: cold imports, DynamoDB calls per booking, and
request latency against the raw DynamoDB calls underneath. ``make bench`` prints the tables."""
