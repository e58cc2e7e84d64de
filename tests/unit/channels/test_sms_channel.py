import pytest
from regulars.messaging.channels import (
    MessageRejected,
    OutgoingMessage,
    RetryLater,
    SmsChannel,
    Undeliverable,
)

RU = "+79161234567"
US = "+16505551234"
PRICES = {"7": 2_500, "1": 7_000, "default": 50_000}
ATTRIBUTE = "AWS.SNS.SMS.SMSType"


def message(text="See you at 10:00", address=RU, purpose="transactional"):
    return OutgoingMessage(message_id="m-1", purpose=purpose, text=text, locale="en", address=address)


def channel(sns, **options):
    return SmsChannel(sns.client, price_micros_per_segment=options.pop("prices", PRICES), **options)


def test_a_reminder_is_published_to_the_number_as_transactional(sns, sent_sms):
    sent = channel(sns).send(message())

    assert sns.publishes == [
        {
            "PhoneNumber": RU,
            "Message": "See you at 10:00",
            "MessageAttributes": {ATTRIBUTE: {"DataType": "String", "StringValue": "Transactional"}},
        }
    ]
    assert sent_sms() == [{"message": "See you at 10:00", "message_id": sent.provider_id, "phone_number": RU}]
    assert (sent.segments, sent.cost_micros, sent.cost_currency) == (1, 2_500, "USD")


def test_marketing_goes_as_promotional_with_the_sender_id_and_origination_number(sns):
    sms = channel(sns, sender_id="Regulars", origination_number="+18005550100")

    sms.send(message(purpose="marketing"))

    assert sns.publishes[0]["MessageAttributes"] == {
        ATTRIBUTE: {"DataType": "String", "StringValue": "Promotional"},
        "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "Regulars"},
        "AWS.MM.SMS.OriginationNumber": {"DataType": "String", "StringValue": "+18005550100"},
    }


@pytest.mark.parametrize(
    ("text", "address", "segments", "cost"),
    [
        ("a" * 160, US, 1, 7_000),  # GSM-7: one message holds 160
        ("a" * 161, US, 2, 14_000),  # then parts of 153
        ("a" * 307, US, 3, 21_000),
        ("ж" * 70, RU, 1, 2_500),  # Cyrillic is UCS-2: one message holds 70
        ("ж" * 71, RU, 2, 5_000),  # then parts of 67
        ("Запись подтверждена: завтра в 10:00, мастер Анна. Ждём вас!" * 2, RU, 2, 5_000),
        ("Hola, ¿mañana a las 10:00?", "+34612345678", 1, 50_000),  # GSM-7; Spain priced by default
    ],
)
def test_segments_and_cost_follow_the_encoding_and_the_country(sns, text, address, segments, cost):
    sent = channel(sns).send(message(text, address))

    assert (sent.segments, sent.cost_micros, sent.cost_currency) == (segments, cost, "USD")


def test_a_country_without_a_price_costs_nothing_known(sns):
    sent = channel(sns, prices={"7": 2_500}).send(message("a" * 200, US))

    assert (sent.segments, sent.cost_micros, sent.cost_currency) == (2, None, None)


def test_a_text_beyond_the_publish_limit_is_refused_before_publishing(sns):
    sms = channel(sns)
    sms.send(message("ж" * 800))  # 1,600 bytes of UTF-8: the most one publish takes

    with pytest.raises(MessageRejected, match="1600 bytes"):
        sms.send(message("ж" * 801))

    assert len(sns.publishes) == 1


@pytest.mark.parametrize(
    "address", ["+7916123456", "89161234567", "+1 650 555 1234", "+0123456789", 79161234567]
)
def test_an_invalid_number_is_undeliverable_before_publishing(sns, address):
    with pytest.raises(Undeliverable) as failure:
        channel(sns).send(message(address=address))

    assert failure.value.code == "invalid_number"
    assert sns.publishes == []


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "Throttling"),
        (400, "Throttled"),
        (429, "TooManyRequestsException"),
        (500, "InternalError"),
        (503, "ServiceUnavailable"),
    ],
)
def test_throttling_and_server_errors_retry_later(sns, status, code):
    sns.fail_next(status, code)

    with pytest.raises(RetryLater) as failure:
        channel(sns).send(message())

    assert failure.value.retry_after_seconds is None
    assert failure.value.throttled == (code not in ("InternalError", "ServiceUnavailable"))


@pytest.mark.parametrize("code", ["OptedOut", "InvalidParameter", "InvalidParameterValue"])
def test_opted_out_and_invalid_parameter_are_undeliverable(sns, code):
    sns.fail_next(400, code)

    with pytest.raises(Undeliverable) as failure:
        channel(sns).send(message())

    assert failure.value.code == code


def test_an_unreachable_sns_is_retried_later(sns_client_at, closed_url):
    sms = SmsChannel(sns_client_at(closed_url), price_micros_per_segment=PRICES)

    with pytest.raises(RetryLater):
        sms.send(message())
