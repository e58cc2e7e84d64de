import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from regulars_local.__main__ import options_from, parse_args
from regulars_local.control.endpoints import parse_duration
from regulars_local.demo import cache as democache
from regulars_local.emulator.aws import Stack
from regulars_local.emulator.template import TEMPLATE, functions, parameter_overrides


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT30M", timedelta(minutes=30)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("P2W", timedelta(weeks=2)),
        ("PT1H30M15S", timedelta(hours=1, minutes=30, seconds=15)),
        ("pt0.5s", timedelta(seconds=0.5)),
        ("P3D", timedelta(days=3)),
    ],
)
def test_iso_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["P", "PT", "P1Y", "P1M", "1D", "PT-5M", "P1DT", "soon", ""])
def test_invalid_iso_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_port_flag_then_port_variable_then_3000(monkeypatch, tmp_path):
    monkeypatch.delenv("PORT", raising=False)
    assert options_from(parse_args([])).port == 3000
    monkeypatch.setenv("PORT", "4100")
    assert options_from(parse_args([])).port == 4100
    assert options_from(parse_args(["--port", "4200"])).port == 4200
    options = options_from(parse_args(["--no-demo", "--data-dir", str(tmp_path), "--dynamodb", "moto"]))
    assert (options.demo, options.data_dir, options.dynamodb) == (False, tmp_path.resolve(), "moto")


def test_the_demo_has_300_clients_unless_told_and_refuses_a_size_out_of_range(capsys):
    assert options_from(parse_args([])).demo_clients == 300
    assert options_from(parse_args(["--demo-clients", "40"])).demo_clients == 40
    for bad in ("0", "-3", "5001", "many"):
        with pytest.raises(SystemExit):
            parse_args(["--demo-clients", bad])
    assert "--demo-clients" in capsys.readouterr().err


def test_parameter_overrides_reach_the_functions_environment_and_their_queues():
    options = options_from(
        parse_args(["--parameter-overrides", "SendRates=sms=500,telegram=40", "SenderConcurrency=3"])
    )
    assert options.parameters == {"SendRates": "sms=500,telegram=40", "SenderConcurrency": "3"}
    checked = parameter_overrides(TEMPLATE, options.parameters)
    stack = Stack(TEMPLATE, parameters=dict(checked))
    sender = functions(TEMPLATE, checked)["SenderFunction"]
    assert stack.resolve(sender.environment["SEND_RATES"]) == "sms=500,telegram=40"
    assert [q.maximum_concurrency for q in sender.queues] == [3]
    assert [q.maximum_concurrency for q in functions(TEMPLATE)["SenderFunction"].queues] == [10]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"SendRate": "sms=1"}, "SendRate: the template has no such parameter"),
        ({"SenderConcurrency": "1"}, "SenderConcurrency: at least 2, not 1"),
        ({"SenderConcurrency": "many"}, "SenderConcurrency: a number is required, not 'many'"),
    ],
)
def test_a_parameter_the_template_refuses_is_named_with_the_reason(overrides, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        parameter_overrides(TEMPLATE, overrides)


def test_a_parameter_override_is_name_equals_value(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--parameter-overrides", "SendRates"])
    assert "give NAME=VALUE, not 'SendRates'" in capsys.readouterr().err


def test_the_fake_providers_take_the_rate_limits_given_and_refuse_others(capsys):
    from regulars_local.providers.phone import LocalProviders

    options = options_from(parse_args(["--provider-rate-limits", "telegram=30,whatsapp=80"]))
    assert options.provider_rate_limits == {"telegram": 30, "whatsapp": 80}
    providers = LocalProviders(lambda: datetime.now(UTC), rate_limits=options.provider_rate_limits)
    assert (providers.telegram.rate_limit, providers.whatsapp.rate_limit) == (30, 80)
    assert options_from(parse_args([])).provider_rate_limits == {}  # none unless asked
    for wrong, reason in (
        ("sms=20", "the fakes that take a rate are telegram, whatsapp"),
        ("telegram=0", "above 0"),
    ):
        with pytest.raises(SystemExit):
            parse_args(["--provider-rate-limits", wrong])
        assert reason in capsys.readouterr().err


def test_a_kept_demo_is_restored_for_a_week_and_named_by_what_it_was_made_with(tmp_path):
    key = democache.fingerprint(TEMPLATE, 300, {})
    assert key == democache.fingerprint(TEMPLATE, 300, {})
    assert key != democache.fingerprint(TEMPLATE, 60, {})
    assert key != democache.fingerprint(TEMPLATE, 300, {"SendRates": "sms=1"})
    cache = democache.DemoCache(tmp_path, 300, key)
    assert cache.saved_at() is None  # none kept yet
    cache.items.write_text("")
    clock = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    for age, restored in ((timedelta(days=1), clock), (timedelta(days=8), None)):
        saved = datetime.now(UTC) - age
        cache.clock.write_text(json.dumps({"clock": clock.isoformat(), "saved": saved.isoformat()}))
        assert cache.saved_at() == restored
