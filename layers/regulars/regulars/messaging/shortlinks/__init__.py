"""Short links: ``{base}/s/{code}`` in place of a long (signed) link in a message, resolved by the
public API with a redirect. See :mod:`regulars.messaging.shortlinks.service`."""
