"""The hosting files agree with each other and with the app (no Docker engine or cluster here).

The scale-out test (``test_scaleout.py``) runs the shipped nginx configuration for
real; these checks cover what cannot run on this machine: the Kubernetes
manifests, the compose file and the Dockerfile.
"""

import re

import pytest
import yaml
from conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
HEALTH = "/_stcore/health"


def _manifests() -> dict[str, dict]:
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    return {
        doc["kind"]: doc for name in listed for doc in yaml.safe_load_all((K8S / name).read_text())
    }


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def _cpus(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


@pytest.fixture(scope="module")
def k8s():
    return _manifests()


def test_kustomization_lists_every_manifest(k8s):
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present
    assert set(k8s) == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}


def test_every_probe_asks_the_health_endpoint_on_the_served_port(k8s):
    container = k8s["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"] == HEALTH
        assert check["port"] in ports
    served = re.search(r"STREAMLIT_SERVER_PORT=(\d+)", _dockerfile()).group(1)
    assert set(ports.values()) == {int(served)}
    # liveness gives up later than readiness: a busy pod leaves the rotation first
    live, ready = container["livenessProbe"], container["readinessProbe"]
    assert live["periodSeconds"] * live["failureThreshold"] > (
        ready["periodSeconds"] * ready["failureThreshold"]
    )


def test_the_training_cap_fits_the_pods_cpu_limit(k8s):
    container = k8s["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    resources = container["resources"]
    cpus = _cpus(resources["limits"]["cpu"])
    assert resources["requests"] == resources["limits"]  # the HPA measures against them
    trainings, threads = int(env["NNPLAY_MAX_TRAININGS"]), int(env["NNPLAY_WORKER_THREADS"])
    assert 1 <= trainings <= cpus
    assert trainings * threads <= cpus


def test_pods_run_as_the_images_own_user(k8s):
    pod = k8s["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    uid = re.search(r"useradd --uid (\d+)", _dockerfile()).group(1)
    assert pod["runAsNonRoot"] is True
    assert pod["runAsUser"] == int(uid)


def test_service_ingress_and_autoscaler_point_at_the_deployment(k8s):
    deployment, service = k8s["Deployment"], k8s["Service"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    ports = {p["name"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports

    ingress = k8s["Ingress"]
    backends = [
        path["backend"]["service"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    service_ports = {p["name"] for p in service["spec"]["ports"]}
    assert all(b["name"] == service["metadata"]["name"] for b in backends)
    assert all(b["port"]["name"] in service_ports for b in backends)

    scaler = k8s["HorizontalPodAutoscaler"]["spec"]
    assert scaler["scaleTargetRef"]["kind"] == "Deployment"
    assert scaler["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert 2 <= scaler["minReplicas"] <= scaler["maxReplicas"]


def test_ingress_keeps_each_browser_on_one_pod_and_its_websocket_open(k8s):
    notes = k8s["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "affinity-mode"] == "persistent"
    # Streamlit pings its websocket well within this; a shorter timeout cuts sessions
    assert int(notes[prefix + "proxy-read-timeout"]) >= 60
    upload = re.search(r"STREAMLIT_SERVER_MAX_UPLOAD_SIZE=(\d+)", _dockerfile()).group(1)
    assert notes[prefix + "proxy-body-size"] == f"{upload}m"


def test_dockerfile_makes_a_small_public_server():
    text = _dockerfile()
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    settings = dict(re.findall(r"(STREAMLIT_[A-Z_]+)=(\S+)", text))
    assert settings["STREAMLIT_SERVER_HEADLESS"] == "true"
    assert settings["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert settings["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert int(settings["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"]) <= 10
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*" + re.escape(HEALTH), text, re.M)
    copied = re.findall(r"^COPY (\S+)", text, re.M)
    assert "tests/" not in copied and "." not in copied  # the app only
    assert "requirements.txt" in copied


def test_compose_runs_replicas_behind_nginx():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    app, proxy = compose["services"]["app"], compose["services"]["nginx"]
    assert app["build"]["dockerfile"] == "Dockerfile"
    assert "replicas" in app["deploy"] and "limits" in app["deploy"]["resources"]
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    mounted = {volume.split(":")[1] for volume in proxy["volumes"]}
    assert "/etc/nginx/nginx.conf" in mounted
    assert HEALTH in " ".join(proxy["healthcheck"]["test"])
