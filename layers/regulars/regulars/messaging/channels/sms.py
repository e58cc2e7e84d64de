"""SMS through Amazon SNS ``Publish(PhoneNumber=...)``: Transactional or Promotional by purpose, billed per part."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from regulars.messaging.channels.base import (
    ChannelError,
    MessageRejected,
    OutgoingMessage,
    RetryLater,
    Sent,
    Undeliverable,
    phone_address,
)
from regulars.messaging.rules.routing import Channel, Purpose
from regulars.messaging.rules.sms_parts import SNS_MAX_BYTES, sms_info

SMS_TYPE = "AWS.SNS.SMS.SMSType"
SENDER_ID = "AWS.SNS.SMS.SenderID"
ORIGINATION_NUMBER = "AWS.MM.SMS.OriginationNumber"
DEFAULT_PRICE = "default"

_THROTTLED_CODES = frozenset(
    {
        "Throttled",
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "KMSThrottling",
    }
)
_RETRY_CODES = _THROTTLED_CODES | {"InternalError", "InternalFailure", "ServiceUnavailable"}


SNS_ERRORS = (ClientError, ConnectionError, HTTPClientError)  # what sns_failure maps; anything else is a bug


def sns_failure(
    error: ClientError | ConnectionError | HTTPClientError, undeliverable: Mapping[str, str]
) -> ChannelError:
    """The failure kind of an SNS error: throttling, server errors, timeouts and the network are
    :class:`RetryLater`; any other error SNS answered is :class:`Undeliverable`, with the reason given in
    ``undeliverable`` (code -> reason) or SNS's own."""
    if not isinstance(error, ClientError):
        return RetryLater(f"SNS unreachable: {type(error).__name__}")
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in _RETRY_CODES or status == 429 or status >= 500:
        return RetryLater(f"SNS {code or status}", throttled=status == 429 or code in _THROTTLED_CODES)
    reason = undeliverable.get(code) or str(error.response.get("Error", {}).get("Message") or code)
    return Undeliverable(reason, code or str(status))


class SmsChannel:
    """Sends one SMS per message. ``price_micros_per_segment`` maps a country calling code ("7", "1") or
    "default" to the price of one part in millionths of ``currency``; without a price the cost is None."""

    name = Channel.SMS.value

    def __init__(
        self,
        sns_client: Any,
        *,
        sender_id: str | None = None,
        origination_number: str | None = None,
        price_micros_per_segment: Mapping[str, int],
        currency: str = "USD",
    ) -> None:
        self._sns = sns_client
        self._sender_id = sender_id
        self._origination_number = origination_number
        self._prices = dict(price_micros_per_segment)
        self._currency = currency

    def send(self, message: OutgoingMessage) -> Sent:
        phone = phone_address(message.address)
        info = sms_info(message.text)
        if not info.fits:
            raise MessageRejected(
                f"an SMS holds at most {SNS_MAX_BYTES} bytes of UTF-8 per publish; "
                f"this text has {info.utf8_bytes}"
            )
        try:
            response = self._sns.publish(
                PhoneNumber=phone.number,
                Message=message.text,
                MessageAttributes=self._attributes(message.purpose),
            )
        except SNS_ERRORS as error:
            raise sns_failure(
                error,
                {
                    "OptedOut": "the number opted out of SMS",
                    "InvalidParameter": "SNS refused the number or message",
                    "InvalidParameterValue": "SNS refused the number or message",
                },
            ) from error
        price = self._prices.get(str(phone.country_code), self._prices.get(DEFAULT_PRICE))
        return Sent(
            provider_id=response["MessageId"],
            segments=info.segments,
            cost_micros=None if price is None else price * info.segments,
            cost_currency=None if price is None else self._currency,
        )

    def _attributes(self, purpose: Purpose) -> dict[str, dict[str, str]]:
        sms_type = "Transactional" if purpose is Purpose.TRANSACTIONAL else "Promotional"
        attributes = {SMS_TYPE: _string(sms_type)}
        if self._sender_id:
            attributes[SENDER_ID] = _string(self._sender_id)
        if self._origination_number:
            attributes[ORIGINATION_NUMBER] = _string(self._origination_number)
        return attributes


def _string(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}
