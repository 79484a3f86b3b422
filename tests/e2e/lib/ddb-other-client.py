#!/usr/bin/env python3
"""ddb-other-client.py - another client of the messages table: the AWS SDK
for Python (botocore, as the Flask app's boto3 uses it), writing and
reading items the way other code would, without our C layout code.

    ddb-other-client.py put     < ITEMS   each item of the JSON array ITEMS
                                          (DynamoDB JSON) with a plain
                                          PutItem: no condition, no
                                          transaction, one at a time
    ddb-other-client.py query PK          every item of partition PK, read
                                          consistently, as a JSON array

The endpoint, region, keys and table come from the environment the local
stack exports (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, DDB_MESSAGES_TABLE)."""
import json
import os
import sys

import botocore.session


def client():
    session = botocore.session.get_session()
    return session.create_client(
        "dynamodb",
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])


def main(argv):
    table = os.environ.get("DDB_MESSAGES_TABLE", "cruddur-messages")
    ddb = client()
    if argv[1:] == ["put"]:
        for item in json.load(sys.stdin):
            ddb.put_item(TableName=table, Item=item)
        return 0
    if len(argv) == 3 and argv[1] == "query":
        items, start = [], {}
        while True:
            page = ddb.query(TableName=table, ConsistentRead=True,
                             KeyConditionExpression="pk = :pk",
                             ExpressionAttributeValues={":pk": {"S": argv[2]}},
                             **start)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        json.dump(items, sys.stdout)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
