"""The IAM check: every AWS call a function makes, recorded with the function it ran in
(:mod:`regulars_local.iam.calls`), judged against that function's policy in template.yaml
(:mod:`regulars_local.iam.policies`)."""
