"""A real S3-protocol server on loopback for attachment tests: moto's ThreadedMotoServer.

It answers presigned PUT and GET URLs as S3 and MinIO do. Credentials are arbitrary; the
bucket is created here, as docker-compose's minio-init does in deployment.
"""

from __future__ import annotations

import logging

BUCKET = "alloy-attachments"


class FakeS3:
    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self.env = {"ALLOY_S3_ENDPOINT": self.url, "ALLOY_S3_ACCESS_KEY_ID": "test-key",
                    "ALLOY_S3_SECRET_ACCESS_KEY": "test-secret", "ALLOY_S3_BUCKET": BUCKET,
                    "ALLOY_S3_REGION": "us-east-1"}
        import botocore.session

        client = botocore.session.Session().create_client(
            "s3", region_name="us-east-1", endpoint_url=self.url,
            aws_access_key_id="test-key", aws_secret_access_key="test-secret")
        client.create_bucket(Bucket=BUCKET)

    def stop(self) -> None:
        self.server.stop()
