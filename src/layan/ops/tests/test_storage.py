"""Attachments on S3-compatible object storage (django-storages), as production mode configures it from
``LAYAN_MEDIA_*``: stored by a real intake, found in the bucket, and served back by ``layan serve``. The object
store is moto's S3 server, a real S3 HTTP endpoint on loopback."""

import json
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from .processes import Process, Server, database_url, free_port, production_env

BUCKET = "layan-lampiran"
STORE_ATTACHMENT = """
import io, json
from PIL import Image
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from layan.core.models import Region
from layan.reports.attachments import save_attachment
from layan.reports.services import NewReport, submit_report

picture = io.BytesIO()
Image.new("RGB", (4, 3), (200, 30, 30)).save(picture, "PNG")
report = submit_report(NewReport(title="Trotoar rusak", description="Paving lepas di depan sekolah.",
                                 region=Region.objects.get(code="35.78.05.1001")))
item = save_attachment(report, ContentFile(picture.getvalue(), name="foto.png"), "image/png", "foto.png")
from django.utils import timezone
from layan.reports.models import Report
Report.objects.filter(pk=report.pk).update(published_at=timezone.now())  # as verification publishes it
storage = type(storages["default"]).__module__
print(json.dumps({"url": item.get_absolute_url(), "name": item.file.name, "storage": storage}))
"""


@pytest.fixture
def object_store(tmp_path):
    if not shutil.which("moto_server", path=str(sys.executable).rsplit("/", 1)[0]):
        pytest.skip("moto[server] is not installed (a development dependency)")
    port = free_port()
    log = tmp_path / "moto.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(sys.executable).rsplit("/", 1)[0] + "/moto_server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    import boto3
    from botocore.config import Config

    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="uji",
        aws_secret_access_key="uji",
        region_name="us-east-1",
        config=Config(connect_timeout=2, retries={"max_attempts": 20, "mode": "standard"}),
    )
    try:
        s3.create_bucket(Bucket=BUCKET)
        yield endpoint, s3
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_attachments_go_to_the_bucket_and_are_served_back(tmp_path, demo_agencies, object_store):
    endpoint, s3 = object_store
    env = production_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        LAYAN_MEDIA_BUCKET=BUCKET,
        LAYAN_MEDIA_ENDPOINT_URL=endpoint,
        LAYAN_MEDIA_ACCESS_KEY="uji",
        LAYAN_MEDIA_SECRET_KEY="uji",
        LAYAN_MEDIA_REGION="us-east-1",
        LAYAN_ROUTER_RETRAIN_HOURS="0",
    )
    server = Server(env, tmp_path / "web")
    try:
        store = Process(["shell", "-c", STORE_ATTACHMENT], env, tmp_path / "store.log")
        assert store.popen.wait(timeout=120) == 0, store.log()
        stored = json.loads(store.log().strip().splitlines()[-1])
        assert stored["storage"] == "storages.backends.s3"

        obj = s3.get_object(Bucket=BUCKET, Key=f"media/{stored['name']}")
        content = obj["Body"].read()
        assert content.startswith(b"\x89PNG")

        server.wait_until_answering()
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", stored["url"])
        response = conn.getresponse()
        assert response.status == 200, server.log()[-3000:]
        assert response.read() == content  # Layan reads it back from the bucket after its own permission check
        assert response.getheader("Content-Type") == "image/png"
    finally:
        server.stop()
    assert len(content) == obj["ContentLength"]
