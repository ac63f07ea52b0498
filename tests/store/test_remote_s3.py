"""The S3 secret from the usual AWS variables."""

from __future__ import annotations

from transcripts.store.remote_s3 import s3_secret_sql, s3_settings


def test_remote_s3_endpoint_sets_ssl_from_its_scheme_and_path_style() -> None:
    plain = s3_settings({"AWS_ENDPOINT_URL": "http://127.0.0.1:8333/"})
    assert (plain["ENDPOINT"], plain["USE_SSL"], plain["URL_STYLE"]) == ("127.0.0.1:8333", "false", "path")
    tls = s3_settings({"AWS_ENDPOINT_URL": "https://minio.example:9000", "AWS_ENDPOINT_URL_S3": ""})
    assert (tls["ENDPOINT"], tls["USE_SSL"]) == ("minio.example:9000", "true")
    assert s3_settings({"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_S3": "https://b:2"})["ENDPOINT"] == "b:2"


def test_remote_s3_aws_itself_needs_no_endpoint_and_credentials_are_optional() -> None:
    assert s3_settings({"AWS_DEFAULT_REGION": "eu-west-3"}) == {"REGION": "eu-west-3"}
    keyed = s3_settings({"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T"})
    assert (keyed["KEY_ID"], keyed["SECRET"], keyed["SESSION_TOKEN"], keyed["REGION"]) == ("AK", "S", "T", "us-east-1")


def test_remote_s3_secret_sql_quotes_values_and_is_none_without_credentials_or_endpoint() -> None:
    sql = s3_secret_sql({"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "it's"})
    assert sql is not None and "SECRET 'it''s'" in sql and sql.startswith("CREATE OR REPLACE SECRET")
    assert s3_secret_sql({"AWS_REGION": "eu-west-3"}) is None
