"""The local runtime: the whole application on one machine, with no AWS account."""
