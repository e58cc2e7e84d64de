"""Regulars: the domain library the Lambda functions share (shipped as a layer)."""
