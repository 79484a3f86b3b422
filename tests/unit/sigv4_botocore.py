#!/usr/bin/env python3
"""sigv4_botocore.py - print the Authorization header botocore's
SigV4Auth computes for one request, at a fixed time, without any network.

The environment variable SIGV4_REQUEST holds a JSON object: method, url,
headers (name -> value, the ones to sign besides host and the date), body,
access_key, secret_key, token (optional), region, service, amz_date
("YYYYMMDDTHHMMSSZ"). Used by test_aws_sigv4 to
check that libcurl's CURLOPT_AWS_SIGV4 signs as the AWS SDK does."""
import datetime
import json
import os
import types

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class _FixedDatetime(datetime.datetime):
    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed

    @classmethod
    def now(cls, tz=None):
        return cls.fixed if tz is None else cls.fixed.replace(tzinfo=tz)


def fix_clock(fixed):
    """Stops botocore's signer at fixed. Newer botocore reads the clock
    through botocore.auth.get_current_datetime(); Debian 12's 1.29 calls
    datetime.datetime.utcnow() in botocore.auth: both are pinned."""
    botocore.auth.get_current_datetime = lambda: fixed
    _FixedDatetime.fixed = fixed
    shim = types.ModuleType("datetime")
    shim.__dict__.update(datetime.__dict__)
    shim.datetime = _FixedDatetime
    botocore.auth.datetime = shim


def main():
    spec = json.loads(os.environ["SIGV4_REQUEST"])
    fixed = datetime.datetime.strptime(spec["amz_date"], "%Y%m%dT%H%M%SZ")
    fix_clock(fixed)
    creds = Credentials(spec["access_key"], spec["secret_key"], spec.get("token"))
    req = AWSRequest(method=spec["method"], url=spec["url"],
                     headers=spec["headers"], data=spec["body"].encode("utf-8"))
    botocore.auth.SigV4Auth(creds, spec["service"], spec["region"]).add_auth(req)
    print(req.headers["Authorization"])


if __name__ == "__main__":
    main()
