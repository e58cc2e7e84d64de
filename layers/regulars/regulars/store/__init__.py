"""The only code that knows PynamoDB. Repository functions take the salon as their first argument."""
