"""S3 in tests: moto's S3 server on loopback, configured the way production settings are."""

import importlib.util
import logging
import threading
from pathlib import Path

import boto3

from .worker import fail_or_skip

BUCKET = "lapakasik-test"
REGION = "ap-southeast-3"
ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
# Where production builds STORAGES; read afresh under the test environment below.
DOCUMENTS_SETTINGS = Path(__file__).resolve().parents[1] / "lapakasik" / "settings" / "documents.py"


def moto_server():
    """moto's S3 server on a free loopback port, with the bucket made; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    # start() waits forever when the server thread dies before it is ready.
    starter = threading.Thread(target=server.start, daemon=True)
    starter.start()
    starter.join(timeout=15)
    if starter.is_alive():
        fail_or_skip("moto's S3 server did not start on 127.0.0.1 within 15 s")
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3_client(endpoint).create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield endpoint
    server.stop()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def s3_environment(endpoint: str) -> dict[str, str]:
    """The environment production would have for this bucket."""
    return {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }


def production_storage_config(monkeypatch, endpoint: str) -> dict:
    """STORAGES["documents"] as lapakasik/settings/documents.py builds it for STORAGE_BACKEND=s3."""
    for name, value in s3_environment(endpoint).items():
        monkeypatch.setenv(name, value)
    # A private name inside the settings package, so its relative imports resolve.
    spec = importlib.util.spec_from_file_location("lapakasik.settings._documents_for_s3", DOCUMENTS_SETTINGS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.STORAGES["default"] == module.STORAGES["documents"]
    return module.STORAGES["documents"]


def use_s3(settings, monkeypatch, endpoint: str):
    """Documents go to the S3 bucket for this test; gives a boto3 client on the same server."""
    config = production_storage_config(monkeypatch, endpoint)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    # Runs after the autouse fixture that points STORAGES at a temporary folder.
    settings.STORAGES = {**settings.STORAGES, "default": config, "documents": config}
    return s3_client(endpoint)
