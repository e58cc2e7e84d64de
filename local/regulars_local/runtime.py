"""The whole application on this machine: DynamoDB Local (or moto's DynamoDB), a moto server for the
other services, the template's functions (each execution environment a process of its own) behind a
local API Gateway, stream and queue pumps, the schedule timer, the local sign-in, and the control
endpoints (:mod:`regulars_local.control`).

Start order matters: the environment the functions read (endpoints, table name, the resources'
``!Ref`` values) is complete before any function or domain module is imported.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from botocore.exceptions import ClientError
from regulars.core import clock

from regulars_local.auth import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_SALON,
    CognitoAuthorizer,
    LocalIssuer,
    LocalSignIn,
    UserStore,
    oidc,
)
from regulars_local.control.endpoints import DRAIN_TIMEOUT, SWAGGER_UI, ControlEndpoints, starting
from regulars_local.demo import cache as democache
from regulars_local.demo import snapshot
from regulars_local.emulator import aws, dynamodb_local, queues, schedules, streams, topics
from regulars_local.emulator.functions import LocalFunction, load_functions
from regulars_local.emulator.gateway import (
    ApiGateway,
    Cors,
    HttpServer,
    Request,
    Response,
    RouteTable,
    StaticFiles,
    error_response,
)
from regulars_local.emulator.template import (
    ROOT,
    TEMPLATE,
    TopicSource,
    api_properties,
    functions,
    parameter_overrides,
    resources,
)
from regulars_local.iam import calls as aws_calls
from regulars_local.providers.phone import LocalProviders

# The runtime's loggers are "local.*": Powertools' Logger(service="regulars") filters every record
# whose logger name contains "regulars" out of the root handlers.
log = logging.getLogger("local")

TABLE_NAME = "regulars-local"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")  # --host values that keep the runtime on this machine
SETTLE_TIMEOUT = 900.0  # seconds the demo's history may take through the functions before it is kept
STACK_NAME = "regulars-local"
CONSOLE_ROOT = ROOT / "console" / "dist"  # the salon console, and beside it the client's pages (booking,
# manage, feedback, the phone view, embed.js), as `npm --prefix console run build` writes them from console/ and web/
# the demo salon's team besides its owner: (e-mail, role, staff member)
DEMO_TEAM = (
    ("manager@demo.regulars.local", "manager", None),
    ("reception@demo.regulars.local", "reception", None),
    ("anna@demo.regulars.local", "staff", "anna"),
)
AWS_VARIABLES_TO_CLEAR = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


class StartupError(RuntimeError):
    pass


@dataclass
class Options:
    port: int = 3000
    host: str = "127.0.0.1"
    demo: bool = True
    demo_clients: int = 300
    data_dir: Path | None = None
    template: Path = TEMPLATE
    dynamodb: str = "auto"  # auto: DynamoDB Local, else moto with a warning; local; moto
    restore: Path | None = None  # a saved table to start from (regulars_local.demo.snapshot)
    parameters: dict[str, str] = field(default_factory=dict)  # the template's, as a deploy overrides them
    demo_cache: Path | None = None  # where the settled demo is kept between runs (regulars_local.demo.cache)
    fresh_demo: bool = False  # build the demo anew even when a settled one is kept
    provider_rate_limits: dict[str, int] = field(default_factory=dict)  # the fakes' sends a second
    region: str = "us-east-1"
    console_root: Path = CONSOLE_ROOT


@dataclass
class Status:
    phase: str = "starting"  # starting, ok, failed, stopping
    dynamodb: str = ""  # dynamodb-local or moto
    detail: str = ""


def _drain_output(stream: IO[bytes], logger: logging.Logger) -> None:
    for line in iter(stream.readline, b""):
        logger.debug("%s", line.decode(errors="replace").rstrip())


class Runtime:
    def __init__(self, options: Options):
        self.options = options
        self.status = Status()
        self._server = HttpServer(options.host, options.port, self.app)  # bound now: port 0 picks one
        host = "127.0.0.1" if options.host in ("0.0.0.0", "") else options.host  # noqa: S104
        self.base_url = f"http://{host}:{self._server.port}"
        self.table_name = TABLE_NAME
        # the local OpenID Connect provider's authority, and so the ID tokens' iss
        self.issuer = LocalIssuer(f"{self.base_url}{oidc.PATH}")
        self.sign_in: LocalSignIn | None = None  # once the user pool is up
        self.parameters = parameter_overrides(options.template, options.parameters)
        self.stack = aws.Stack(options.template, options.region, STACK_NAME, dict(self.parameters))
        self.functions: dict[str, LocalFunction] = {}
        self.environment: dict[str, str] = {}
        self.demo_restored: datetime | None = None  # the time of the settled demo restored, if one was
        self.dynamodb_endpoint = ""
        self._dynamodb: dynamodb_local.DynamoDBLocal | None = None
        self._moto = aws.MotoServer()
        self._pumps = streams.StreamPumps([])
        self._stop_pumps = threading.Event()
        self._queues = queues.QueuePumps([])
        self._timer: schedules.ScheduleTimer | None = None
        self._api: ApiGateway | None = None
        self.providers = LocalProviders(clock.now, rate_limits=options.provider_rate_limits)
        self._console = StaticFiles(options.console_root, "/")
        self._swagger = StaticFiles(SWAGGER_UI, "/docs/")
        self._control = ControlEndpoints(self)

    @property
    def ready(self) -> bool:
        return self.status.phase == "ok"

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Bring everything up; on failure, stop what was started and raise :class:`StartupError`."""
        self._server.start()
        try:
            self._start_services()
        except BaseException as exc:
            self.status = Status("failed", self.status.dynamodb, str(exc))
            self.stop()
            if isinstance(exc, Exception):
                raise StartupError(str(exc)) from exc
            raise
        self.status.phase = "ok"
        self.providers.connect(
            self.base_url,
            aws.client("sns", self._moto.endpoint, self.options.region),
            self.options.region,
            aws.ACCOUNT_ID,
            self.stack.refs.get("InboundSmsTopic"),
        )

    def _start_services(self) -> None:
        moto_endpoint = self._moto.start()
        log.info("moto server at %s", moto_endpoint)
        self.providers.start()
        log.info(
            "fake Telegram at %s, fake WhatsApp at %s",
            self.providers.telegram.base_url,
            self.providers.whatsapp.base_url,
        )
        self._start_dynamodb(moto_endpoint)
        self._set_aws_environment(moto_endpoint)
        table_existed = self._create_tables()
        clients = aws.Clients.at(moto_endpoint, self.options.region)
        for logical_id, reason in aws.create_resources(self.stack, clients).items():
            log.info("not created locally: %s (%s)", logical_id, reason)
        specs = functions(self.options.template, self.parameters)
        self.functions = load_functions(specs, self.options.region)
        self._add_stand_ins()
        self._set_function_environment()
        if os.environ.get(aws_calls.ENVIRONMENT):  # a test run checks every call against the template's IAM
            for function in self.functions.values():  # (each environment records its function's calls)
                function.stack = aws_calls.stack_document(self.stack)
        from regulars.store.base import bind_table  # only now: it reads the environment on import

        bind_table(self.table_name)
        settled = table_existed  # its items went through the functions in an earlier run
        if self.options.restore:  # before the sign-in puts the demo's users on the team
            self._restore(self.options.restore, table_existed)
            settled = True
        kept_data = table_existed and not self.options.restore and self._has_items()  # --data-dir's
        demo = self.options.demo and not self.options.restore and not kept_data
        cache = self._demo_cache() if demo else None
        if cache is not None and not self.options.fresh_demo and (saved_at := cache.saved_at()):
            self._restore(cache.items, table_existed)
            clock.set_offset(saved_at - datetime.now(UTC))  # the demo's "today" is the day it was settled
            self.demo_restored = saved_at
            settled, demo = True, False
        self._start_sign_in(moto_endpoint)
        self._api = self._build_api()
        if self.options.demo and kept_data:
            log.info("the table has data already (--data-dir): demo data not loaded again")
        if demo:
            self._load_demo()  # before the pumps start, so that loading has the machine to itself
        # A new table's stream is read from its start (the demo data with it); a settled table's items
        # already went through the functions: only what is written from now on.
        self._start_pumps(clients, "LATEST" if settled else None)
        self._start_queue_pumps()
        self._start_timer()
        if demo and cache is not None:
            threading.Thread(target=self._save_demo, args=(cache,), name="demo-cache", daemon=True).start()

    def _demo_cache(self) -> democache.DemoCache | None:
        if self.options.demo_cache is None:
            return None
        key = democache.fingerprint(self.options.template, self.options.demo_clients, self.options.parameters)
        return democache.DemoCache(self.options.demo_cache, self.options.demo_clients, key)

    def _save_demo(self, cache: democache.DemoCache) -> None:
        """Once the demo's history is through the functions, keep the table for the next start.

        The schedules are held meanwhile, so that the copy is of one moment: no tick marks a job queued
        in it whose queue message the next start would not have. Before the copy, the ticker runs once
        more and what it sets going settles, so that the jobs the history made due by now are done in
        the copy (the next start, whose clock begins at the copy's moment, would otherwise do them)."""
        timer = self._timer
        if timer is None or not self.drain(SETTLE_TIMEOUT) or self.status.phase in ("stopping", "failed"):
            return
        try:
            with timer.held():
                timer.fire_frequent()
                if not self.drain(SETTLE_TIMEOUT) or self.status.phase in ("stopping", "failed"):
                    return
                count = cache.save(
                    dynamodb_local.client(self.dynamodb_endpoint), self.table_name, clock.now()
                )
        except Exception as exc:  # the demo runs on; the next start settles it again
            log.warning("the settled demo could not be kept: %s", exc)
            return
        log.info("the settled demo kept (%d items, %s): the next start restores it", count, cache.items.name)

    def stop(self) -> None:
        """Stop everything this runtime started (safe to call more than once, and after a failed start)."""
        if self.status.phase != "failed":
            self.status.phase = "stopping"
        steps: list[tuple[str, Callable[[], None]]] = [
            ("gateway", self._server.stop),
            ("schedule timer", lambda: self._timer.stop() if self._timer else None),
            ("stream pumps", self._stop_stream_pumps),
            ("queue pumps", self._queues.stop),
            ("functions", self._stop_functions),
            ("DynamoDB Local", lambda: self._dynamodb.stop() if self._dynamodb else None),
            ("fake providers", self.providers.stop),
            ("moto server", self._moto.stop),
        ]
        for name, step in steps:
            try:
                step()
            except Exception as exc:
                log.warning("stopping the %s: %s", name, exc)
        self._timer = None
        self._dynamodb = None

    def _stop_stream_pumps(self) -> None:
        self._stop_pumps.set()
        self._pumps.stop()

    def _stop_functions(self) -> None:
        """End every execution environment of every function."""
        for function in self.functions.values():
            function.stop()

    # --- start steps ---------------------------------------------------------------------------------
    def _start_dynamodb(self, moto_endpoint: str) -> None:
        choice = self.options.dynamodb
        if choice in ("auto", "local"):
            db_path = self.options.data_dir / "dynamodb" if self.options.data_dir else None
            try:
                self._dynamodb = dynamodb_local.start(db_path=db_path)
            except dynamodb_local.Unavailable as exc:
                if choice == "local":
                    raise StartupError(f"DynamoDB Local is unavailable: {exc}") from exc
                log.warning(
                    "DynamoDB Local is unavailable (%s): falling back to moto's DynamoDB, a simulation of "
                    "the real engine (no real TTL deletion; transactions and streams are approximations)",
                    exc,
                )
            else:
                if self._dynamodb.process and self._dynamodb.process.stderr:
                    threading.Thread(
                        target=_drain_output,
                        args=(self._dynamodb.process.stderr, logging.getLogger("local.dynamodb")),
                        name="dynamodb-local-output",
                        daemon=True,
                    ).start()
                self.dynamodb_endpoint = self._dynamodb.endpoint
                self.status.dynamodb = "dynamodb-local"
                log.info(
                    "DynamoDB Local at %s%s",
                    self.dynamodb_endpoint,
                    f" (data in {db_path})" if db_path else "",
                )
                return
        if self.options.data_dir:
            log.warning("moto's DynamoDB keeps data in memory only: --data-dir does not apply to it")
        self.dynamodb_endpoint = moto_endpoint
        self.status.dynamodb = "moto"

    def _set_aws_environment(self, moto_endpoint: str) -> None:
        for name in AWS_VARIABLES_TO_CLEAR:
            os.environ.pop(name, None)
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": moto_endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": self.dynamodb_endpoint,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_REGION": self.options.region,
                "AWS_DEFAULT_REGION": self.options.region,
                "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            }
        )

    def _create_tables(self) -> bool:
        """Create the template's tables; True if the main table was already there (persisted data)."""
        ddb = dynamodb_local.client(self.dynamodb_endpoint)
        existed = False
        tables = resources("AWS::DynamoDB::Table", self.options.template)
        for logical_id in tables:
            name = TABLE_NAME if logical_id == "Table" or len(tables) == 1 else f"{TABLE_NAME}-{logical_id}"
            if logical_id == "Table" or len(tables) == 1:
                self.table_name = name
            try:
                description = ddb.describe_table(TableName=name)["Table"]
                existed = existed or name == self.table_name
            except ddb.exceptions.ResourceNotFoundException:
                dynamodb_local.create_table(ddb, name, logical_id, self.options.template)
                description = ddb.describe_table(TableName=name)["Table"]
                log.info("table %s created from the template's %s", name, logical_id)
            # the ARN as AWS would give it (DynamoDB Local's names another region and account), so
            # the template's policies resolve to what the functions' calls name
            attributes = {"Arn": f"arn:aws:dynamodb:{self.options.region}:{aws.ACCOUNT_ID}:table/{name}"}
            if description.get("LatestStreamArn"):
                attributes["StreamArn"] = description["LatestStreamArn"]
            self.stack.add(logical_id, name, **attributes)
        return existed

    def _has_items(self) -> bool:
        ddb = dynamodb_local.client(self.dynamodb_endpoint)
        return bool(ddb.scan(TableName=self.table_name, Limit=1)["Items"])

    def _add_stand_ins(self) -> None:
        """Local values for what a function's environment may reference beyond queues, topics, tables."""
        region, account = self.options.region, aws.ACCOUNT_ID
        for logical_id, function in self.functions.items():
            self.stack.add(logical_id, function.name, Arn=function.arn)
        for logical_id in resources("AWS::Cognito::UserPool", self.options.template):
            # the pool is moto's (created from the template); its tokens are the local issuer's
            pool_id = self.stack.refs.get(logical_id) or f"{region}_local"
            self.stack.add(
                logical_id,
                pool_id,
                Arn=f"arn:aws:cognito-idp:{region}:{account}:userpool/{pool_id}",
                ProviderURL=self.issuer.issuer,
                ProviderName=self.issuer.issuer.removeprefix("http://"),
            )
        for logical_id in resources("AWS::Cognito::UserPoolClient", self.options.template):
            self.stack.add(logical_id, self.issuer.audience, ClientId=self.issuer.audience)
        for logical_id in resources("AWS::Serverless::Api", self.options.template):
            self.stack.add(logical_id, "local", RootResourceId="local")
        if "PushPlatformApplicationArn" in self.stack.parameters:  # what an operator deploys with
            self.stack.parameters["PushPlatformApplicationArn"] = self._push_application()

    def _set_function_environment(self) -> None:
        """Each function's environment: the variables its template entry gives it, resolved against the
        local stack, and what every function is given locally (the providers' addresses and secrets,
        the table, the public URL). No function sees another's variables. The runtime's own process
        gets the variables the functions agree on, for the domain code it runs itself (the demo, the
        team of the local sign-in)."""
        resolved_by_function: dict[str, dict[str, str]] = {}
        for function in self.functions.values():
            resolved, missing = self.stack.environment(function.spec.environment)
            for name, reason in missing.items():
                log.warning(
                    "%s: %s is not set locally (%s has no local value)", function.logical_id, name, reason
                )
            resolved_by_function[function.logical_id] = resolved
        every: dict[str, str] = {}
        for resolved in resolved_by_function.values():
            for name, value in resolved.items():
                every.setdefault(name, value)
        shared = {
            name: value
            for name, value in every.items()
            if all(resolved.get(name, value) == value for resolved in resolved_by_function.values())
        }
        local = self.providers.environment()
        local["MANAGE_LINK_SECRET"] = os.environ.get("MANAGE_LINK_SECRET") or secrets.token_urlsafe(32)
        local = self._put_secrets(local, every)
        local.update(
            {
                "TABLE_NAME": self.table_name,
                "PUBLIC_BASE_URL": self.base_url,
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_NAMESPACE": "Regulars",
            }
        )
        os.environ.pop("POWERTOOLS_DEV", None)
        base = {name: value for name, value in os.environ.items() if name not in every}
        for function in self.functions.values():
            function.variables = base | resolved_by_function[function.logical_id] | local
        self.environment = shared | local
        os.environ.update(self.environment)

    def _start_sign_in(self, moto_endpoint: str) -> None:
        """The local sign-in on the template's user pool in moto, with the demo's users in it and on
        the demo salon's team. The pool lives in moto's memory: each start begins with only these."""
        pools = [
            p for p in resources("AWS::Cognito::UserPool", self.options.template) if p in self.stack.refs
        ]
        if not pools:
            log.warning("no user pool in the template was created locally: no local sign-in")
            return
        pool = "UserPool" if "UserPool" in pools else pools[0]
        cognito = aws.client("cognito-idp", moto_endpoint, self.options.region)
        self.sign_in = LocalSignIn(self.issuer, UserStore(cognito, self.stack.refs[pool]))
        self.join(self.sign_in.add_demo_owner())
        if self.options.demo:
            for email, role, staff_id in DEMO_TEAM:
                self.join(self.sign_in.users.add(email, DEMO_PASSWORD, DEMO_SALON, role), staff_id)

    def join(self, user: Any, staff_id: str | None = None) -> None:
        """Put a user of the pool on their salon's team (as the owner's invitation does in AWS)."""
        from regulars.team import service
        from regulars.team.policy import Role

        service.register(
            user.salon_id,
            user_id=user.sub,
            email=user.email,
            role=Role(user.role),
            staff_id=staff_id,
            now=clock.now(),
            replace_email=True,
        )

    def _put_secrets(self, local: dict[str, str], merged: dict[str, str]) -> dict[str, str]:
        """Put each local secret ``NAME`` whose ``NAME_PARAMETER`` the template sets into moto's SSM as
        that SecureString, as an operator does in AWS, so the functions read it from there (and the IAM
        check sees them read it); return the rest, which are set as environment variables."""
        parameters = {
            name.removesuffix("_PARAMETER"): value
            for name, value in merged.items()
            if name.endswith("_PARAMETER")
        }
        ssm = aws.client("ssm", self._moto.endpoint, self.options.region)
        plain: dict[str, str] = {}
        for name, value in local.items():
            if name in parameters:
                ssm.put_parameter(Name=parameters[name], Value=value, Type="SecureString", Overwrite=True)
            else:
                plain[name] = value
        for name in parameters:
            os.environ.pop(name, None)  # a plain variable would win over the parameter (config.secret)
        return plain

    def _push_application(self) -> str:
        """The FCM platform application a deployment names in PushPlatformApplicationArn, in moto."""
        sns = aws.client("sns", self._moto.endpoint, self.options.region)
        return sns.create_platform_application(
            Name=f"{STACK_NAME}-fcm", Platform="GCM", Attributes={"PlatformCredential": "local-fcm-key"}
        )["PlatformApplicationArn"]

    def _restore(self, path: Path, table_existed: bool) -> None:
        if table_existed and self._has_items():
            raise StartupError(
                f"--restore needs an empty table, and {self.table_name} has items (--data-dir)"
            )
        count = snapshot.restore(dynamodb_local.client(self.dynamodb_endpoint), self.table_name, path)
        log.info("%d items restored from %s", count, path)

    def _load_demo(self) -> None:
        try:
            from regulars_local.demo import load_demo
        except ModuleNotFoundError as exc:
            if exc.name != "regulars_local.demo":
                raise
            log.info("no demo data module: starting with an empty table")
            return
        summary = load_demo(clock.now(), clients=self.options.demo_clients)
        log.info("demo data loaded (salon %s, %d clients)", DEMO_SALON, summary.clients)

    def _build_api(self) -> ApiGateway:
        routes = [route for function in self.functions.values() for route in function.spec.routes]
        api_ids = {route.api for route in routes if route.api}
        props = api_properties(next(iter(api_ids)), self.options.template) if len(api_ids) == 1 else {}
        if len(api_ids) > 1:
            log.warning("more than one Api in the template: all are served at the same root")
        stage = str(self.stack.resolve(props.get("StageName", "Prod")))
        authorizers = {
            name: CognitoAuthorizer(self.issuer) for name in (props.get("Auth") or {}).get("Authorizers", {})
        }
        for route in routes:
            if route.authorizer and route.authorizer not in authorizers:
                authorizers[route.authorizer] = CognitoAuthorizer(self.issuer)
        return ApiGateway(
            routes=RouteTable(routes),
            invoke=self.invoke,
            authorizers=authorizers,
            stage=stage,
            cors=Cors.from_property(props.get("Cors")),
            binary_media_types=tuple(props.get("BinaryMediaTypes") or ()),
        )

    def _start_pumps(self, clients: aws.Clients, starting_position: str | None) -> None:
        region = self.options.region
        streams_client = aws.client("dynamodbstreams", self.dynamodb_endpoint, region)
        pumps: list[streams.StreamPump] = []
        for function in self.functions.values():
            for source in function.spec.streams:
                for pattern in source.filters:
                    streams.matches(pattern, {})  # an invalid pattern fails now, not on the first record
                try:
                    stream_arn = self.stack.resolve(source.stream)
                    destination = self.stack.resolve(source.on_failure) if source.on_failure else None
                except aws.Unresolvable as exc:
                    log.warning("%s.%s: no local stream pump (%s)", source.function, source.event, exc)
                    continue
                on_failure = (
                    streams.OnFailureDestination(destination, clients.sqs, clients.sns)
                    if destination
                    else streams.discard
                )
                delivery = streams.Delivery(
                    source,
                    function.invoke,
                    on_failure,
                    function.arn,
                    self._stop_pumps,
                )
                pumps.append(
                    streams.StreamPump(source, streams_client, stream_arn, region, delivery, self._stop_pumps)
                )
        self._pumps = streams.StreamPumps(pumps)
        self._pumps.start(starting_position)
        for pump in pumps:
            log.info("stream pump %s (batch %d)", pump.name, pump.source.batch_size)

    def _start_queue_pumps(self) -> None:
        region = self.options.region
        pumps: list[queues.QueuePump] = []
        for function in self.functions.values():
            for source in function.spec.queues:
                name = f"{source.function}.{source.event}"
                if not source.enabled:
                    log.info("queue pump %s: the event is disabled (Enabled: false)", name)
                    continue
                for pattern in source.filters:
                    streams.matches(pattern, {})  # an invalid pattern fails now, not on the first message
                sqs = queues.sqs_client(self._moto.endpoint, region, queues.concurrency(source))
                try:
                    queue_arn = str(self.stack.resolve(source.queue))
                    queue_url = queues.queue_url(sqs, queue_arn)
                except (aws.Unresolvable, ValueError, ClientError) as exc:
                    log.warning("%s: no local queue pump (%s)", name, exc)
                    continue
                pumps.append(queues.QueuePump(source, sqs, queue_url, queue_arn, region, function.invoke))
            for topic in function.spec.topics:
                pump = self._topic_pump(topic, function)
                if pump is not None:
                    pumps.append(pump)
        self._queues = queues.QueuePumps(pumps)
        self._queues.start()
        for pump in pumps:
            log.info(
                "queue pump %s (batch %d, %d in flight at most)",
                pump.name,
                pump.source.batch_size,
                pump.concurrency,
            )
            timeout = self.functions[pump.source.function].spec.timeout
            if pump.visibility_timeout < timeout:
                log.warning(
                    "%s: the queue's VisibilityTimeout (%ds) is shorter than the function's Timeout (%ds); "
                    "Lambda refuses such an event source mapping",
                    pump.name,
                    pump.visibility_timeout,
                    timeout,
                )

    def _topic_pump(self, source: TopicSource, function: LocalFunction) -> queues.QueuePump | None:
        """An SNS event of the function: a queue of the runtime's own, subscribed to the topic, pumped
        one notification at a time into the function as SNS invokes it (emulator/topics.py)."""
        region, name = self.options.region, f"{source.function}.{source.event}"
        sqs = queues.sqs_client(self._moto.endpoint, region, 2)
        try:
            topic_arn = str(self.stack.resolve(source.topic))
            dead_letter_url = None
            if source.dead_letter is not None:
                dead_letter_url = queues.queue_url(sqs, str(self.stack.resolve(source.dead_letter)))
        except (aws.Unresolvable, ValueError, ClientError) as exc:
            log.warning("%s: no local topic pump (%s)", name, exc)
            return None
        return topics.topic_pump(
            source,
            function.invoke,
            sqs=sqs,
            sns=aws.client("sns", self._moto.endpoint, region),
            topic_arn=topic_arn,
            queue_name=f"{STACK_NAME}-{source.function}-{source.event}",
            region=region,
            timeout=function.spec.timeout,
            dead_letter_url=dead_letter_url,
        )

    def _start_timer(self) -> None:
        sources = [s for function in self.functions.values() for s in function.spec.schedules]
        entries = schedules.entries(sources, clock.now(), STACK_NAME, self.options.region)
        self._timer = schedules.ScheduleTimer(entries, self.invoke, clock.now, self.options.region)
        self._timer.start()
        for entry in entries:
            log.info("schedule %s: %s", entry.name, entry.source.expression)

    # --- invoking --------------------------------------------------------------------------------------
    def invoke(self, logical_id: str, event: Any) -> Any:
        return self.functions[logical_id].invoke(event)

    def drain(self, timeout: float = DRAIN_TIMEOUT) -> bool:
        """Wait until every stream record written and every queue message sent so far has been processed.

        Streams and queues are drained in turn until a round in which neither settled anything, so
        that what a stream function sends to a queue, or a queue function writes to the table, is
        processed too.
        """
        deadline = time.monotonic() + timeout
        while True:
            before = self._settled()
            if not self._pumps.wait_idle(deadline - time.monotonic()):
                return False
            if not self._queues.wait_idle(deadline - time.monotonic()):
                return False
            if self._settled() == before:
                return True

    def _settled(self) -> int:
        return self._pumps.counts().settled() + self._queues.counts().settled()

    def fire_due(self) -> list[schedules.Fired]:
        """Fire every schedule that the application's clock has passed."""
        return self._timer.fire_due() if self._timer else []

    def stream_counts(self) -> streams.Counts:
        return self._pumps.counts()

    def queue_counts(self) -> queues.QueueCounts:
        return self._queues.counts()

    @property
    def aws_endpoint(self) -> str:
        return self._moto.endpoint

    @property
    def dynamodb_process(self) -> subprocess.Popen | None:
        return self._dynamodb.process if self._dynamodb else None

    # --- HTTP --------------------------------------------------------------------------------------------
    def app(self, request: Request) -> Response:
        if not self._answers_to(request.header("Host")):
            return error_response(
                403,
                "unknown_host",
                "this runtime listens on loopback and answers to its loopback names only (127.0.0.1, "
                "localhost): start it with --host to serve another name",
            )
        answer = self._control(request)
        if answer is not None:
            return answer
        if request.path.startswith("/docs/"):
            return self._swagger(request) or error_response(404, "not_found", f"no {request.path}")
        if not self.ready or self._api is None:
            return starting(self.status.phase)
        if self._api.handles(request):
            return self._api(request)
        return self._console(request) or self._console_page(request) or self._api(request)

    def _answers_to(self, host: str | None) -> bool:
        """Whether a request's Host is one of this runtime's names. On loopback (the default) only the
        loopback names are: a site whose name is made to resolve to 127.0.0.1 (DNS rebinding) would
        otherwise be same-origin with the runtime, sign in with the demo's password and read its data."""
        if host is None or self.options.host not in LOOPBACK_HOSTS:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in ("127.0.0.1", "localhost", "[::1]")

    def _console_page(self, request: Request) -> Response | None:
        """The console's page for its own routes (/calendar, /clients/abc: the application routes in
        the browser), as CloudFront answers them in AWS; a clear word when it is not built."""
        last = request.path.rsplit("/", 1)[-1]
        if (
            request.method not in ("GET", "HEAD")
            or "." in last
            or request.path.startswith(("/v1/", "/local/"))
        ):
            return None
        index = self.options.console_root / "index.html"
        if not index.is_file():
            return error_response(
                503,
                "console_not_built",
                "The console is not built: `make dev` builds it (npm --prefix console run build).",
            )
        return self._console(Request.from_target(request.method, "/"))


def banner(runtime: Runtime) -> str:
    url = runtime.base_url
    rows = [
        f"Regulars is running at {url}  (DynamoDB: {runtime.status.dynamodb})",
        f"  console   {url}/",
        f"  API docs  {url}/docs",
        f"  health    {url}/health",
    ]
    if runtime.demo_restored:
        rows.append(
            f"  demo      the settled demo kept from an earlier start: the clock is at its day, "
            f"{runtime.demo_restored:%Y-%m-%d %H:%M} UTC (--fresh-demo builds one for today)"
        )
    if runtime.options.demo:
        rows.append(f"  sign in   {DEMO_EMAIL} / {DEMO_PASSWORD}  (POST {url}/local/auth/token)")
        rows.append(f"            {', '.join(email for email, _, _ in DEMO_TEAM)}: the same password")
    rows.append(f"  mailbox   {url}/local/auth/mailbox  (invitations and their temporary passwords)")
    rows.append(
        f"  OpenID    {runtime.issuer.issuer}  (authority, client id {runtime.issuer.audience}: "
        "the console's code flow with PKCE)"
    )
    rows.append("  stop      Ctrl-C")
    return "\n".join(rows)
